// Which bucket a name means: the folder bucket under the data dir when that folder exists,
// else the bucket of that name on the configured S3-compatible server.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Bucket } from './bucket.ts';
import { FolderBucket } from './folder.ts';
import { S3Bucket, s3Client } from './s3.ts';
import type { S3Settings } from './s3.ts';

export type { Bucket, ObjectInfo, StoredObject } from './bucket.ts';
export { BucketError, isValidBucketName } from './bucket.ts';

export class Buckets {
  private client?: S3Client;
  constructor(
    private readonly dataDir: string,
    private readonly s3?: S3Settings,
  ) {}

  async open(name: string): Promise<Bucket> {
    const folder = new FolderBucket(this.dataDir, name);
    if ((await folder.exists()) || !this.s3) return folder;
    this.client ??= s3Client(this.s3);
    return new S3Bucket(this.client, name, this.s3.endpoint);
  }

  folder(name: string): FolderBucket {
    return new FolderBucket(this.dataDir, name);
  }

  close(): void {
    this.client?.destroy();
  }
}

const shared = new WeakMap<object, Buckets>();

/** One Buckets (and one S3 connection pool) per configuration. */
export function bucketsFor(config: { dataDir: string; s3?: S3Settings }): Buckets {
  let b = shared.get(config);
  if (!b) shared.set(config, (b = new Buckets(config.dataDir, config.s3)));
  return b;
}
