// A bucket where trails write log files (and digests): a folder under the data dir, or a bucket on
// an S3-compatible server. Both keep user metadata (`x-amz-meta-*`) with each object.

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

export interface StoredObject {
  body: Buffer;
  /** User metadata, names lower-cased and without the `x-amz-meta-` prefix. */
  metadata: Record<string, string>;
}

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface Bucket {
  readonly name: string;
  /** Where it lives, for people: a folder path or an S3 endpoint. */
  readonly location: string;
  /** Throws BucketError NoSuchBucket when the bucket is missing. */
  put(key: string, body: Buffer, opts?: PutOptions): Promise<void>;
  /** Undefined when there is no such key. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Metadata only; undefined when there is no such key. */
  head(key: string): Promise<(ObjectInfo & { metadata: Record<string, string> }) | undefined>;
  /** Keys under `prefix` in lexicographic order, starting after `startAfter`. */
  list(prefix: string, opts?: { startAfter?: string; limit?: number }): Promise<ObjectInfo[]>;
  exists(): Promise<boolean>;
}

/**
 * A bucket operation that failed. `code` is the S3 error code (`NoSuchBucket`, `AccessDenied`,
 * ...) or, when the server could not be reached, the network error's code.
 */
export class BucketError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** S3 bucket naming rules (the general-purpose bucket rules). */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !/\.\.|\.-|-\./.test(name) &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.endsWith('-s3alias')
  );
}
