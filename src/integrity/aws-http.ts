// Signed AWS requests over kept-alive connections, for validate-logs: a few CloudTrail calls and
// many S3 GETs need nothing more. The SDK clients cost 0.3-0.5 s to load and set up, and about a
// millisecond of CPU per request: on a bucket of many small log files, most of the run.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../aws/sha256.ts';

/** Keys, or a provider of keys (the SDK's credential chain). */
export type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/** How an https endpoint's certificate is checked: against `ca` (else the system's), or not at all. */
export interface TlsTrust {
  ca?: Buffer;
  rejectUnauthorized: boolean;
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request that got no HTTP answer (refused, reset, unknown host). */
export class NetworkError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class AwsHttp {
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(endpoint: string, region: string, service: string, credentials: Credentials, connections: number, trust?: TlsTrust) {
    this.url = new URL(endpoint);
    const tls = this.url.protocol === 'https:';
    const pool = { keepAlive: true, maxSockets: connections };
    this.agent = tls ? new HttpsAgent({ ...pool, ...trust }) : new HttpAgent(pool);
    this.send = tls ? httpsRequest : httpRequest;
    // S3 signs the path as sent; other services encode it once more.
    this.signer = new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: service !== 's3' });
  }

  get endpoint(): string {
    return this.url.origin;
  }

  /** One signed request; `path` is already URI-encoded, and goes under the endpoint's own path (as the SDK sends it). */
  async request(method: string, relativePath: string, opts: { query?: Record<string, string>; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
    const { hostname, port, protocol, host, pathname } = this.url;
    const path = pathname.replace(/\/$/, '') + relativePath;
    const query = opts.query ?? {};
    const signed = await this.signer.sign({ method, protocol, hostname, port: port ? Number(port) : undefined, path, query, headers: { ...opts.headers, host }, body: opts.body });
    const search = new URLSearchParams(query).toString().replace(/\+/g, '%20');
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = this.send({ agent: this.agent, method, hostname, port, path: search ? `${path}?${search}` : path, headers: signed.headers }, resolve);
      req.on('error', (err: NodeJS.ErrnoException) => reject(new NetworkError(err.code ?? 'NetworkingError', err.message)));
      req.end(opts.body);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { status: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) };
  }

  close(): void {
    this.agent.destroy();
  }
}
