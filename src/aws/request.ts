// The HTTP request as it arrived, before any interpretation: SigV4 needs the raw path, the raw
// query and the exact body bytes.

export interface TlsInfo {
  tlsVersion: string;
  cipherSuite: string;
  clientProvidedHostHeader: string;
}

export interface RawRequest {
  method: string;
  /** Path as sent on the wire, still percent-encoded. */
  rawPath: string;
  /** Query string as sent on the wire, without the `?`. */
  rawQuery: string;
  /** Header names lower-cased; repeated headers joined with `,`. */
  headers: Record<string, string>;
  body: Buffer;
  sourceIp: string;
  tls?: TlsInfo;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Decoded query parameters; a name that repeats keeps every value. */
export function parseQuery(rawQuery: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!rawQuery) return out;
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = safeDecode(eq < 0 ? '' : part.slice(eq + 1));
    const values = out.get(name);
    if (values) values.push(value);
    else out.set(name, [value]);
  }
  return out;
}

/** Percent-decoding that never throws: a malformed escape stays as it was. */
export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function userAgentOf(req: RawRequest): string | undefined {
  const ua = req.headers['user-agent'] ?? req.headers['x-amz-user-agent'];
  // CloudTrail truncates userAgent at 1 KB.
  return ua === undefined ? undefined : ua.slice(0, 1024);
}
