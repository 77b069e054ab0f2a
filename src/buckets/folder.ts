// The embedded bucket: a folder under <dataDir>/buckets/<name>. Objects are plain files at their
// key's path; their user metadata lives in a sidecar JSON file under <dataDir>/buckets/.meta/<name>/
// (bucket names never start with a dot, so the two never collide). Writes go through a temporary
// file and a rename, so a crash never leaves a half-written object.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { BucketError } from './bucket.ts';
import type { Bucket, ObjectInfo, PutOptions, StoredObject } from './bucket.ts';

/** A file name holds 255 bytes; a key's last segment also gets `.tmp-<12 hex>` and `.json` (metadata). */
const MAX_SEGMENT_BYTES = 255 - '.tmp-000000000000.json'.length;

export const bucketsDir = (dataDir: string) => join(dataDir, 'buckets');

export class FolderBucket implements Bucket {
  readonly location: string;
  private readonly metaRoot: string;

  constructor(
    dataDir: string,
    readonly name: string,
  ) {
    this.location = join(bucketsDir(dataDir), name);
    this.metaRoot = join(bucketsDir(dataDir), '.meta', name);
  }

  async exists(): Promise<boolean> {
    return existsSync(this.location);
  }

  async create(): Promise<void> {
    await mkdir(this.location, { recursive: true });
  }

  async put(key: string, body: Buffer, opts: PutOptions = {}): Promise<void> {
    if (!(await this.exists())) throw new BucketError('NoSuchBucket', `The folder bucket ${this.location} does not exist`);
    const file = this.file(key);
    await atomicWrite(this.metaFile(key), JSON.stringify({ contentType: opts.contentType, metadata: lower(opts.metadata ?? {}) }));
    await atomicWrite(file, body);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const body = await readFile(this.file(key)).catch(notFound);
    if (!body) return undefined;
    return { body, metadata: await this.metadata(key) };
  }

  async head(key: string) {
    const s = await stat(this.file(key)).catch(notFound);
    if (!s?.isFile()) return undefined;
    return { key, size: s.size, lastModified: s.mtime, metadata: await this.metadata(key) };
  }

  async list(prefix: string, opts: { startAfter?: string; limit?: number } = {}): Promise<ObjectInfo[]> {
    if (!(await this.exists())) throw new BucketError('NoSuchBucket', `The folder bucket ${this.location} does not exist`);
    const keys = (await walk(this.location))
      .map((f) => relative(this.location, f).split(sep).map(segmentOf).join('/'))
      .filter((k) => k.startsWith(prefix) && (opts.startAfter === undefined || k > opts.startAfter) && !k.includes('.tmp-'))
      .sort();
    const out: ObjectInfo[] = [];
    for (const key of keys.slice(0, opts.limit ?? keys.length)) {
      const s = await stat(this.file(key));
      out.push({ key, size: s.size, lastModified: s.mtime });
    }
    return out;
  }

  private file(key: string): string {
    return this.safePath(this.location, key);
  }

  private metaFile(key: string): string {
    return this.safePath(this.metaRoot, key) + '.json';
  }

  /**
   * A key's file: one path for one key, never outside the bucket's folder (see fileNameOf). A key
   * with a segment too long for a file name, with its temporary suffix, is refused before any
   * file is touched.
   */
  private safePath(root: string, key: string): string {
    const names = key.split('/').map(fileNameOf);
    if (names.some((n) => Buffer.byteLength(n) > MAX_SEGMENT_BYTES)) {
      throw new BucketError('InvalidKey', `Key not allowed in a folder bucket (a segment over ${MAX_SEGMENT_BYTES} bytes): ${key}`);
    }
    return join(root, ...names);
  }

  private async metadata(key: string): Promise<Record<string, string>> {
    const text = await readFile(this.metaFile(key), 'utf8').catch(notFound);
    return text ? (JSON.parse(text).metadata ?? {}) : {};
  }
}

/**
 * A key segment as a file name. S3 keys may hold what a path folds away or cannot name (the empty
 * segment of `logs//AWSLogs`, which a key prefix `logs/` makes, `.`, `..`, a NUL byte), so those
 * are escaped with `%`, and `%` itself: `%` alone is the empty segment. Other names are the
 * segment as it is.
 */
function fileNameOf(segment: string): string {
  if (segment === '') return '%';
  if (segment === '.' || segment === '..') return segment.replaceAll('.', '%2E');
  return segment.replaceAll('%', '%25').replaceAll('\0', '%00');
}

/** The key segment a file name holds (fileNameOf's inverse). */
function segmentOf(name: string): string {
  return name === '%' ? '' : name.replace(/%(25|2E|00)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function lower(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v]));
}

async function atomicWrite(file: string, data: Buffer | string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat();
}

function notFound(err: NodeJS.ErrnoException): undefined {
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
  throw err;
}
