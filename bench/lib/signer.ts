// SigV4-signed requests made ahead of time, so that signing costs the load generator nothing
// while it measures. Signed with @smithy/signature-v4, the official SDKs' own signer.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials } from './server.ts';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) => (typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

/** The hash constructor @smithy/signature-v4 wants, on node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

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
