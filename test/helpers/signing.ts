// Raw SigV4-signed requests for tests that need what the SDKs never send: old dates, wrong
// secrets, tampered bodies, presigned URLs. Signed with @smithy/signature-v4 (the SDKs' own
// signer), sent with node:http.
import { request as httpRequest } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../../src/aws/sha256.ts';
import { ROOT } from './server.ts';

export { Sha256 };

export interface RawCall {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  service?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  signingDate?: Date;
}

export interface RawResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

function signer(call: RawCall): SignatureV4 {
  return new SignatureV4({
    service: call.service ?? 'chime',
    region: call.region ?? 'us-east-1',
    credentials: call.credentials ?? ROOT,
    sha256: Sha256,
    applyChecksum: false,
  });
}

function requestOf(url: string, call: RawCall) {
  const u = new URL(url);
  return {
    method: call.method ?? 'GET',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: call.path ?? '/',
    query: call.query ?? {},
    headers: { host: u.host, ...call.headers } as Record<string, string>,
    body: call.body,
  };
}

function queryString(query: Record<string, string | string[] | null>): string {
  return Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v ?? '']).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
    .join('&');
}

/** Sent with node:http, which (unlike fetch) lets any Latin-1 byte through in a header value. */
function send(url: string, req: { method: string; path: string; query: Record<string, any>; headers: Record<string, string>; body?: string }): Promise<RawResult> {
  const qs = queryString(req.query);
  return new Promise((resolve, reject) => {
    const r = httpRequest(`${url}${req.path}${qs ? `?${qs}` : ''}`, { method: req.method, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        resolve({ status: res.statusCode!, headers, text, json });
      });
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Signs a request with the Authorization header; `mutate` may change it after signing. */
export async function signedRequest(url: string, call: RawCall, mutate?: (req: ReturnType<typeof requestOf>) => void): Promise<RawResult> {
  const signed = (await signer(call).sign(requestOf(url, call), { signingDate: call.signingDate })) as ReturnType<typeof requestOf>;
  mutate?.(signed);
  return send(url, signed);
}

/** A presigned GET URL, valid for `expiresIn` seconds from `signingDate`. */
export async function presignedUrl(url: string, call: RawCall & { expiresIn: number }): Promise<string> {
  const req = await signer(call).presign(requestOf(url, call), { signingDate: call.signingDate, expiresIn: call.expiresIn });
  return `${url}${req.path}?${queryString(req.query as Record<string, string>)}`;
}

/** Sends an unsigned request (for missing or hand-made Authorization headers). */
export function unsignedRequest(url: string, call: RawCall): Promise<RawResult> {
  return send(url, { method: call.method ?? 'GET', path: call.path ?? '/', query: call.query ?? {}, headers: call.headers ?? {}, body: call.body });
}

/** A CloudTrail awsJson call, signed. */
export function cloudtrailRequest(url: string, operation: string, body: string, extra: Partial<RawCall> = {}, mutate?: Parameters<typeof signedRequest>[2]): Promise<RawResult> {
  return signedRequest(
    url,
    {
      method: 'POST',
      service: 'cloudtrail',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `CloudTrail_20131101.${operation}` },
      body,
      ...extra,
    },
    mutate,
  );
}
