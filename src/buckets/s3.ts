// A bucket on an S3-compatible server (AWS S3, MinIO, R2, s3rver), written with the official client.
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { BucketError } from './bucket.ts';
import type { Bucket, ObjectInfo, PutOptions, StoredObject } from './bucket.ts';

export interface S3Settings {
  endpoint: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

export function s3Client(s: S3Settings): S3Client {
  return new S3Client({
    endpoint: s.endpoint,
    region: s.region,
    forcePathStyle: s.forcePathStyle,
    ...(s.accessKeyId && s.secretAccessKey ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } } : {}),
    // Checksums only where S3 requires them: S3-compatible servers differ in what they accept.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Delivery has its own retry with backoff; a call fails fast.
    maxAttempts: 1,
  });
}

export class S3Bucket implements Bucket {
  readonly location: string;
  constructor(
    private readonly client: S3Client,
    readonly name: string,
    endpoint: string,
  ) {
    this.location = `${endpoint} bucket ${name}`;
  }

  async exists(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.name }));
      return true;
    } catch (err) {
      const e = asBucketError(err);
      if (e.code === 'NoSuchBucket' || e.code === 'NotFound') return false;
      throw e;
    }
  }

  async put(key: string, body: Buffer, opts: PutOptions = {}): Promise<void> {
    await this.call(() =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.name,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: opts.contentType,
          Metadata: opts.metadata,
          ACL: 'bucket-owner-full-control',
        }),
      ),
    );
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const res = await this.call(() => this.client.send(new GetObjectCommand({ Bucket: this.name, Key: key })), true);
    if (!res) return undefined;
    return { body: Buffer.from(await res.Body!.transformToByteArray()), metadata: res.Metadata ?? {} };
  }

  async head(key: string) {
    const res = await this.call(() => this.client.send(new HeadObjectCommand({ Bucket: this.name, Key: key })), true);
    if (!res) return undefined;
    return { key, size: res.ContentLength ?? 0, lastModified: res.LastModified ?? new Date(0), metadata: res.Metadata ?? {} };
  }

  async list(prefix: string, opts: { startAfter?: string; limit?: number } = {}): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const res = await this.call(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.name,
            Prefix: prefix,
            StartAfter: token ? undefined : opts.startAfter,
            ContinuationToken: token,
            MaxKeys: opts.limit ? Math.min(1000, opts.limit - out.length) : undefined,
          }),
        ),
      );
      for (const o of res!.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) });
      token = res!.IsTruncated && (!opts.limit || out.length < opts.limit) ? res!.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** Runs an S3 call; a missing key is `undefined` when `missingOk`, every other failure a BucketError. */
  private async call<T>(fn: () => Promise<T>, missingOk = false): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      const e = asBucketError(err);
      if (missingOk && (e.code === 'NoSuchKey' || e.code === 'NotFound')) return undefined;
      throw e;
    }
  }
}

function asBucketError(err: unknown): BucketError {
  if (err instanceof BucketError) return err;
  if (err instanceof S3ServiceException) return new BucketError(err.name, err.message || err.name);
  const e = err as { code?: string; name?: string; message?: string };
  // Network failures (ECONNREFUSED, ETIMEDOUT ...) keep the system error code.
  return new BucketError(e.code ?? e.name ?? 'NetworkingError', e.message ?? String(err));
}
