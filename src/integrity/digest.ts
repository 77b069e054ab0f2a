// Digest files as CloudTrail writes them: the object key, the JSON body, and the string that is
// signed. Everything here is pure, so that a digest rebuilt after a crash has the same bytes.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { isoBasic, isoSeconds } from '../aws/timestamps.ts';

export const SIGNATURE_ALGORITHM = 'SHA256withRSA';
export const HASH_ALGORITHM = 'SHA-256';

/** One delivered log file as a digest lists it. */
export interface DigestLogFile {
  s3Bucket: string;
  s3Object: string;
  hashValue: string;
  hashAlgorithm: string;
  newestEventTime: string;
  oldestEventTime: string;
}

/** The digest a chain link points back to. */
export interface DigestLink {
  bucket: string;
  key: string;
  /** Hex SHA-256 of its uncompressed bytes. */
  hash: string;
  signature: string;
}

export interface DigestInput {
  accountId: string;
  bucket: string;
  key: string;
  start: Date;
  end: Date;
  fingerprint: string;
  previous?: DigestLink;
  logFiles: DigestLogFile[];
}

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const pad = (n: number) => String(n).padStart(2, '0');

/** `[prefix/]AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/<acct>_CloudTrail-Digest_<region>_<trail>_<home>_YYYYMMDDTHHMMSSZ.json.gz` */
export function digestKey(prefix: string | undefined, accountId: string, region: string, trailName: string, homeRegion: string, end: Date): string {
  const [y, m, d] = [end.getUTCFullYear(), pad(end.getUTCMonth() + 1), pad(end.getUTCDate())];
  const dir = `${prefix ? `${prefix}/` : ''}AWSLogs/${accountId}/CloudTrail-Digest/${region}/${y}/${m}/${d}`;
  return `${dir}/${accountId}_CloudTrail-Digest_${region}_${trailName}_${homeRegion}_${isoBasic(end)}.json.gz`;
}

/** The uncompressed digest body, fields in the order of AWS's own files. */
export function digestBody(d: DigestInput): Buffer {
  const times = d.logFiles.flatMap((f) => [f.oldestEventTime, f.newestEventTime]).sort();
  return Buffer.from(
    JSON.stringify({
      awsAccountId: d.accountId,
      digestStartTime: isoSeconds(d.start),
      digestEndTime: isoSeconds(d.end),
      digestS3Bucket: d.bucket,
      digestS3Object: d.key,
      digestPublicKeyFingerprint: d.fingerprint,
      digestSignatureAlgorithm: SIGNATURE_ALGORITHM,
      newestEventTime: times.length ? times[times.length - 1] : null,
      oldestEventTime: times.length ? times[0] : null,
      previousDigestS3Bucket: d.previous?.bucket ?? null,
      previousDigestS3Object: d.previous?.key ?? null,
      previousDigestHashValue: d.previous?.hash ?? null,
      previousDigestHashAlgorithm: d.previous ? HASH_ALGORITHM : null,
      previousDigestSignature: d.previous?.signature ?? null,
      logFiles: d.logFiles,
    }),
    'utf8',
  );
}

/** What is signed: end time, location, hash of the uncompressed body, previous signature ("null" for none). */
export function stringToSign(fields: { digestEndTime: string; digestS3Bucket: string; digestS3Object: string; previousDigestSignature: string | null }, body: Buffer): Buffer {
  const { digestEndTime, digestS3Bucket, digestS3Object, previousDigestSignature } = fields;
  return Buffer.from(`${digestEndTime}\n${digestS3Bucket}/${digestS3Object}\n${sha256Hex(body)}\n${previousDigestSignature ?? 'null'}`, 'utf8');
}

export interface SignedDigest {
  key: string;
  body: Buffer;
  gzip: Buffer;
  signature: string;
  link: DigestLink;
}

/** Builds and signs a digest; `link` is what the next digest of the chain points back to. */
export function signDigest(d: DigestInput, sign: (data: Buffer) => string): SignedDigest {
  const body = digestBody(d);
  const signature = sign(
    stringToSign({ digestEndTime: isoSeconds(d.end), digestS3Bucket: d.bucket, digestS3Object: d.key, previousDigestSignature: d.previous?.signature ?? null }, body),
  );
  return { key: d.key, body, gzip: gzipSync(body), signature, link: { bucket: d.bucket, key: d.key, hash: sha256Hex(body), signature } };
}

/** The S3 user metadata of a digest (a sidecar in folder buckets). */
export const digestMetadata = (signature: string) => ({ signature, 'signature-algorithm': SIGNATURE_ALGORITHM });
