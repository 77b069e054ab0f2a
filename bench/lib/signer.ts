// SigV4-signed requests made ahead of time, so that signing costs the load generator nothing
// while it measures. Signed with @smithy/signature-v4, the official SDKs' own signer.
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../../src/aws/sha256.ts';
import type { Credentials } from './server.ts';

export interface PlainRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export class RequestSigner {
  private readonly signer: SignatureV4;
  private readonly host: string;
  constructor(
    url: string,
    service: string,
    credentials: Credentials,
    private readonly userAgent = 'opentrail-bench/1.0',
  ) {
    this.host = new URL(url).host;
    this.signer = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: Sha256 });
  }

  /** A request as a client would send it, signed now (valid for the 15-minute skew window). */
  async sign(req: PlainRequest): Promise<PlainRequest> {
    const [path, query] = req.path.split('?');
    const signed = await this.signer.sign({
      method: req.method,
      protocol: 'http:',
      hostname: this.host.split(':')[0],
      path,
      query: Object.fromEntries(new URLSearchParams(query ?? '')),
      headers: { host: this.host, 'user-agent': this.userAgent, ...req.headers },
      body: req.body,
    });
    return { method: req.method, path: req.path, headers: signed.headers, body: req.body };
  }
}
