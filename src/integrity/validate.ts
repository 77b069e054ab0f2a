// Log file validation, as `aws cloudtrail validate-logs` does it (same walk over the digest
// chain, same verdicts and messages), but fetching digests and log files in parallel and hashing
// them as they inflate. The walk starts at the newest digest in range and follows each digest's
// previousDigest* link back; a chain start is followed by the next older digest in the listing.
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { crc32, createInflateRaw, gunzip } from 'node:zlib';
import type { Bucket } from '../buckets/bucket.ts';
import { stringToSign } from './digest.ts';
import { isoBasic } from '../aws/timestamps.ts';

const gunzipAsync = promisify(gunzip);

const HOUR = 3600_000;

/** What validation reads from a bucket. */
export type ReadableBucket = Pick<Bucket, 'get' | 'list'>;

export interface ValidationTarget {
  trailArn: string;
  start: Date;
  end: Date;
  bucket: string;
  prefix?: string;
  accountId: string;
  /** The region whose digests are read (the caller's region). */
  sourceRegion: string;
  /** Public keys by fingerprint (DER of PKCS#1 RSAPublicKey). */
  publicKeys: Map<string, Buffer>;
  open(bucket: string): Promise<ReadableBucket>;
  concurrency?: number;
}

/** One line of the report, in the order the aws CLI prints them. */
export type Finding =
  | { kind: 'digest'; bucket: string; key: string; status: string }
  | { kind: 'log'; bucket: string; key: string; status: string }
  | { kind: 'gap'; from: Date; to: Date };

export interface Progress {
  digests: number;
  digestsDone: number;
  logs: number;
  logsDone: number;
  bytes: number;
}

export interface Summary {
  validDigests: number;
  invalidDigests: number;
  validLogs: number;
  invalidLogs: number;
  foundStart?: Date;
  foundEnd?: Date;
}

export const VALID = 'valid';

interface DigestData {
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  previousDigestS3Bucket?: string | null;
  previousDigestS3Object?: string | null;
  previousDigestSignature: string | null;
  logFiles: { s3Bucket: string; s3Object: string; hashValue: string }[];
}

const REQUIRED = ['digestPublicKeyFingerprint', 'digestS3Bucket', 'digestS3Object', 'previousDigestSignature', 'digestEndTime', 'digestStartTime'];

class DigestInvalid extends Error {}
/** The timestamp a digest key ends with (`YYYYMMDDTHHMMSSZ`), as a date. */
const keyDate = (key: string) => {
  const s = key.slice(-24, -8);
  return new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);
};
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A pool: at most `n` of the started tasks run at once. */
function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** The trail's name and home region from its ARN, checked as the aws CLI checks it. */
export function parseTrailArn(arn: string): { name: string; homeRegion: string; accountId: string } {
  if (!/^arn:.+:cloudtrail:.+:\d{12}:trail\/.+/.test(arn)) throw new Error(`Invalid trail ARN provided: ${arn}`);
  const parts = arn.split(':');
  return { name: arn.slice(arn.lastIndexOf('/') + 1), homeRegion: parts[3], accountId: parts[4] };
}

export class Validator {
  private readonly trailName: string;
  private readonly homeRegion: string;
  private readonly pool: ReturnType<typeof limiter>;
  private readonly keys = new Map<string, KeyObject | null>();
  private readonly digestCache = new Map<string, Promise<Buffer | undefined | Error>>();
  readonly progress: Progress = { digests: 0, digestsDone: 0, logs: 0, logsDone: 0, bytes: 0 };
  readonly summary: Summary = { validDigests: 0, invalidDigests: 0, validLogs: 0, invalidLogs: 0 };

  constructor(private readonly t: ValidationTarget) {
    const { name, homeRegion } = parseTrailArn(t.trailArn);
    this.trailName = name;
    this.homeRegion = homeRegion;
    this.pool = limiter(t.concurrency ?? 16);
  }

  /** The findings in the aws CLI's order; each is final when yielded. */
  async *run(): AsyncGenerator<Finding> {
    for (const finding of await this.walk()) yield await finding;
  }

  /** Walks the chain; log files are checked meanwhile, in the background. */
  private async walk(): Promise<(Finding | Promise<Finding>)[]> {
    const out: (Finding | Promise<Finding>)[] = [];
    const { start } = this.t;
    let bucket = this.t.bucket;
    let digests = await this.listDigests(bucket);
    let key: string | undefined = digests.pop();
    let lastStart = key ? keyDate(key) : start;
    while (key && start <= lastStart) {
      const current: string = key;
      const outcome = await this.checkDigest(bucket, current);
      if (outcome === undefined) {
        this.summary.invalidDigests++;
        out.push({ kind: 'digest', bucket, key: current, status: 'INVALID: not found' });
        key = this.nextListed(digests, current);
        continue;
      }
      if (typeof outcome === 'string') {
        this.summary.invalidDigests++;
        out.push({ kind: 'digest', bucket, key: current, status: outcome });
        key = this.nextListed(digests, current);
        continue;
      }
      const digest = outcome;
      lastStart = new Date(digest.digestStartTime);
      this.summary.validDigests++;
      this.track(digest);
      out.push({ kind: 'digest', bucket, key: current, status: VALID });
      // Log files are checked in parallel, and reported in the order the digest lists them.
      for (const f of digest.logFiles ?? []) out.push(this.pool(() => this.checkLog(f)));
      this.progress.logs += digest.logFiles?.length ?? 0;
      if (digest.previousDigestS3Bucket == null || digest.previousDigestS3Object == null) {
        const next = this.nextListed(digests, current);
        if (next) out.push({ kind: 'gap', from: keyDate(next), to: lastStart });
        key = next;
      } else {
        key = digest.previousDigestS3Object;
        if (digest.previousDigestS3Bucket !== bucket) {
          bucket = digest.previousDigestS3Bucket;
          digests = await this.listDigests(bucket);
        }
      }
    }
    return out;
  }

  private track(d: DigestData): void {
    const s = this.summary;
    const from = new Date(Math.max(new Date(d.digestStartTime).getTime(), this.t.start.getTime()));
    const to = new Date(Math.min(new Date(d.digestEndTime).getTime(), this.t.end.getTime()));
    if (!s.foundStart || from < s.foundStart) s.foundStart = from;
    if (!s.foundEnd || to > s.foundEnd) s.foundEnd = to;
  }

  /** The trail's digest keys whose timestamp is in [start, end + 1 h], oldest first; fetching starts at once. */
  private async listDigests(bucketName: string): Promise<string[]> {
    const { accountId, sourceRegion, prefix } = this.t;
    const p = prefix ? `${prefix}/` : '';
    const dir = `${p}AWSLogs/${accountId}/CloudTrail-Digest/${sourceRegion}`;
    const marker = new Date(this.t.start.getTime() - 60_000);
    const ymd = marker.toISOString().slice(0, 10).replace(/-/g, '/');
    const after = `${dir}/${ymd}/${accountId}_CloudTrail-Digest_${sourceRegion}_${this.trailName}_${this.homeRegion}_${isoBasic(marker)}.json.gz`;
    const pattern = new RegExp(
      `^${escape(dir)}/\\d+/\\d+/\\d+/${escape(accountId)}_CloudTrail\\-Digest_${escape(sourceRegion)}_${escape(this.trailName)}_${escape(this.homeRegion)}_.+\\.json\\.gz$`,
    );
    const from = isoBasic(this.t.start);
    const to = isoBasic(new Date(this.t.end.getTime() + HOUR));
    const bucket = await this.t.open(bucketName);
    const keys: string[] = [];
    for (const o of await bucket.list(dir, { startAfter: after })) {
      if (!pattern.test(o.key) || o.key.endsWith('_backfill.json.gz')) continue;
      const at = o.key.slice(-24, -8);
      if (at > to) break;
      if (at >= from) keys.push(o.key);
    }
    this.progress.digests += keys.length;
    // Newest first is the order the walk needs them in.
    for (const k of [...keys].reverse()) this.fetchDigest(bucketName, k);
    return keys;
  }

  /** The next older listed digest before `key`, dropping those in between. */
  private nextListed(digests: string[], key: string): string | undefined {
    const before = key.slice(-24, -8);
    while (digests.length) {
      const next = digests.pop()!;
      if (next.slice(-24, -8) < before) return next;
    }
    return undefined;
  }

  private fetchDigest(bucketName: string, key: string): Promise<Buffer | undefined | Error> {
    const id = `${bucketName}/${key}`;
    let p = this.digestCache.get(id);
    if (!p) {
      p = this.pool(async () => {
        const bucket = await this.t.open(bucketName);
        const obj = await bucket.get(key);
        this.progress.digestsDone++;
        if (!obj) return undefined;
        const sig = obj.metadata['signature'];
        if (sig === undefined || obj.metadata['signature-algorithm'] === undefined) return new DigestInvalid('INVALID: signature verification failed');
        return Buffer.concat([Buffer.from(`${sig}\n`), obj.body]);
      });
      this.digestCache.set(id, p);
    }
    return p;
  }

  /** The digest when valid, its INVALID status, or undefined when it is not there. */
  private async checkDigest(bucket: string, key: string): Promise<DigestData | string | undefined> {
    const fetched = await this.fetchDigest(bucket, key);
    if (fetched === undefined) return undefined;
    if (fetched instanceof Error) return fetched.message;
    const nl = fetched.indexOf(10);
    const signature = fetched.subarray(0, nl).toString();
    let raw: Buffer;
    let data: DigestData;
    try {
      raw = await gunzipAsync(fetched.subarray(nl + 1));
      data = JSON.parse(raw.toString('utf8'));
      if (typeof data !== 'object' || data === null || REQUIRED.some((k) => !(k in data))) throw new Error('format');
    } catch {
      return 'INVALID: invalid format';
    }
    if (data.digestS3Bucket !== bucket || data.digestS3Object !== key) return 'INVALID: has been moved from its original location';
    const fp = data.digestPublicKeyFingerprint;
    const der = this.t.publicKeys.get(fp);
    if (!der) return `INVALID: public key not found in region ${this.homeRegion} for fingerprint ${fp}`;
    const publicKey = this.publicKey(fp, der);
    if (!publicKey) return `INVALID: Unable to load PKCS #1 key with fingerprint ${fp}`;
    const ok = /^([0-9a-fA-F]{2})+$/.test(signature) && verify('sha256', stringToSign(data, raw), publicKey, Buffer.from(signature, 'hex'));
    return ok ? data : 'INVALID: signature verification failed';
  }

  private publicKey(fingerprint: string, der: Buffer): KeyObject | null {
    if (!this.keys.has(fingerprint)) {
      try {
        this.keys.set(fingerprint, createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
      } catch {
        this.keys.set(fingerprint, null);
      }
    }
    return this.keys.get(fingerprint)!;
  }

  private async checkLog(f: { s3Bucket: string; s3Object: string; hashValue: string }): Promise<Finding> {
    const status = await this.logStatus(f).catch(() => 'INVALID: invalid format');
    this.progress.logsDone++;
    if (status === VALID) this.summary.validLogs++;
    else this.summary.invalidLogs++;
    return { kind: 'log', bucket: f.s3Bucket, key: f.s3Object, status };
  }

  private async logStatus(f: { s3Bucket: string; s3Object: string; hashValue: string }): Promise<string> {
    const obj = await (await this.t.open(f.s3Bucket)).get(f.s3Object);
    if (!obj) return 'INVALID: not found';
    this.progress.bytes += obj.body.length;
    const hashed = await hashSingleMember(obj.body);
    if (typeof hashed === 'string') return hashed;
    return hashed.sha256 === f.hashValue ? VALID : "INVALID: hash value doesn't match";
  }
}

/**
 * Inflated in pieces of up to 1 MiB: each piece is one callback on the main thread (zlib's default
 * of 16 KiB makes ~600 per large log file), and none is kept. A small file gets a piece its own
 * size, as its trailer tells it (a lie there costs time, never a verdict).
 */
const pieceSize = (gz: Buffer) => Math.min(1 << 20, Math.max(16 << 10, gz.readUInt32LE(gz.length - 4)));

/**
 * The SHA-256 (hex) of a single-member gzip file's content, or why it is not one (an INVALID
 * status). Inflating runs on libuv's thread pool, beside the main thread that hashes each piece
 * (and takes its CRC) as it comes: the content is never held whole. Data after the first member
 * is refused: a hash over the first member alone would let appended records pass.
 */
async function hashSingleMember(gz: Buffer): Promise<{ sha256: string } | string> {
  const bad = 'INVALID: invalid format';
  if (gz.length < 18 || gz[0] !== 0x1f || gz[1] !== 0x8b || gz[2] !== 8) return bad;
  const flags = gz[3];
  let at = 10;
  if (flags & 4) at += 2 + gz.readUInt16LE(at);
  for (const bit of [8, 16]) {
    if (flags & bit) {
      const zero = gz.indexOf(0, at);
      if (zero < 0) return bad;
      at = zero + 1;
    }
  }
  if (flags & 2) at += 2;
  if (at >= gz.length) return bad;
  const hash = createHash('sha256');
  let crc = 0;
  let length = 0;
  const inflater = createInflateRaw({ chunkSize: pieceSize(gz) });
  try {
    await new Promise<void>((resolve, reject) => {
      inflater.on('data', (piece: Buffer) => {
        hash.update(piece);
        crc = crc32(piece, crc);
        length += piece.length;
      });
      inflater.once('end', resolve);
      inflater.once('error', reject);
      inflater.end(gz.subarray(at));
    });
  } catch {
    return bad;
  }
  // The deflate stream ends where the inflater stopped reading; the gzip trailer follows it.
  const trailer = at + inflater.bytesWritten;
  if (trailer + 8 > gz.length) return bad;
  if (gz.readUInt32LE(trailer) !== crc || gz.readUInt32LE(trailer + 4) !== length % 2 ** 32) return bad;
  if (trailer + 8 < gz.length) return 'INVALID: unexpected data after end of compressed stream';
  return { sha256: hash.digest('hex') };
}
