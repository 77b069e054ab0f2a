// Reading a bucket on an S3-compatible server, for validate-logs: signed GETs and listings, with
// S3's errors as the SDK-based bucket (src/buckets/s3.ts) reports them.
import { BucketError } from '../buckets/bucket.ts';
import type { ObjectInfo, StoredObject } from '../buckets/bucket.ts';
import { AwsHttp, NetworkError } from './aws-http.ts';
import type { Credentials, Response, TlsTrust } from './aws-http.ts';
import type { ReadableBucket } from './validate.ts';

/** RFC 3986 encoding of a key, slashes kept: the path S3 signs. */
const encodeKey = (key: string) => key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => (e[0] === '#' ? String.fromCodePoint(Number(e[1] === 'x' || e[1] === 'X' ? `0${e.slice(1)}` : e.slice(1))) : ENTITIES[e]));
/** The text of each `<tag>` element (S3's XML has no attributes or nesting in the ones read here). */
const elements = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => unescapeXml(m[1]));

export class S3Reader {
  private readonly http: AwsHttp;

  constructor(endpoint: string, region: string, credentials: Credentials, connections: number, trust?: TlsTrust) {
    this.http = new AwsHttp(endpoint, region, 's3', credentials, connections, trust);
  }

  bucket(name: string): ReadableBucket {
    return {
      get: (key) => this.get(name, key),
      list: (prefix, opts) => this.list(name, prefix, opts?.startAfter),
    };
  }

  close(): void {
    this.http.close();
  }

  private async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    const res = await this.call(`/${bucket}/${encodeKey(key)}`, {});
    if (!res) return undefined;
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice(11)] = value;
    }
    return { body: res.body, metadata };
  }

  /** ListObjectsV2, every page: keys under `prefix` after `startAfter`, in order. */
  private async list(bucket: string, prefix: string, startAfter?: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const query: Record<string, string> = { 'list-type': '2', prefix };
      if (token) query['continuation-token'] = token;
      else if (startAfter) query['start-after'] = startAfter;
      const xml = (await this.call(`/${bucket}`, query))!.body.toString('utf8');
      const sizes = elements(xml, 'Size');
      const modified = elements(xml, 'LastModified');
      elements(xml, 'Key').forEach((key, i) => out.push({ key, size: Number(sizes[i]), lastModified: new Date(modified[i]) }));
      token = elements(xml, 'IsTruncated')[0] === 'true' ? elements(xml, 'NextContinuationToken')[0] : undefined;
    } while (token);
    return out;
  }

  /** One signed GET: undefined for a missing key, a BucketError for every other failure. */
  private async call(path: string, query: Record<string, string>): Promise<Response | undefined> {
    let res: Response;
    try {
      res = await this.http.request('GET', path, { query });
    } catch (err) {
      // Network failures keep the system error code, as with the SDK.
      if (err instanceof NetworkError) throw new BucketError(err.code, err.message);
      throw err;
    }
    if (res.status < 300) return res;
    const text = res.body.toString('utf8');
    const code = elements(text, 'Code')[0] ?? (res.status === 404 ? 'NotFound' : `HTTP${res.status}`);
    if (code === 'NoSuchKey') return undefined;
    throw new BucketError(code, elements(text, 'Message')[0] || code);
  }
}
