// Reading what trails delivered, for the delivery tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { TestContext } from 'node:test';
import { FolderBucket } from '../../src/buckets/folder.ts';
import type { StoredEvent } from '../../src/storage/store.ts';
import type { Server } from '../../src/server.ts';
import { startServer, tempDir } from './server.ts';
import type { TestServer } from './server.ts';

export const LOG_FILE_NAME = /^[0-9]+_CloudTrail_[a-z0-9-]+_[0-9]{8}T[0-9]{4}Z_[a-zA-Z0-9]{16}\.json\.gz$/;

export interface Delivered {
  key: string;
  records: Record<string, any>[];
}

/** A server whose trails deliver every second, with an empty folder bucket `logs`; closed after the test. */
export async function deliveringServer(t: TestContext, env: Record<string, string> = {}): Promise<{ s: TestServer; bucket: FolderBucket }> {
  const dataDir = tempDir();
  const bucket = new FolderBucket(dataDir, 'logs');
  await bucket.create();
  const s = await startServer({ dataDir, env: { OPENTRAIL_DELIVERY_INTERVAL_SECONDS: '1', ...env } });
  t.after(() => s.close());
  return { s, bucket };
}

/** Polls `check` every 250 ms until it returns true; fails after `seconds`. */
export async function waitFor(what: string, check: () => Promise<boolean>, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every log file (key ending .json.gz) of a folder bucket, parsed. */
export function folderLogFiles(bucketDir: string): Delivered[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  return walk(bucketDir)
    .filter((p) => p.endsWith('.json.gz'))
    .map((p) => ({ key: relative(bucketDir, p), records: JSON.parse(gunzipSync(readFileSync(p)).toString('utf8')).Records }));
}

/** The whole journal, in sequence order. */
export async function journal(server: Server): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await server.context.store.read((tx) => tx.journal.readAfter(after, 1000));
    if (!page.length) return out;
    out.push(...page);
    after = page[page.length - 1].seq;
  }
}

/** The journal range a trail logged: from its StartLogging to its StopLogging event, inclusive. */
export function loggedRange(events: StoredEvent[], trailName: string): StoredEvent[] {
  const named = (e: StoredEvent, op: string) => e.eventName === op && JSON.parse(e.record).requestParameters?.name === trailName && !JSON.parse(e.record).errorCode;
  const start = events.findIndex((e) => named(e, 'StartLogging'));
  const stop = events.findIndex((e, i) => i > start && named(e, 'StopLogging'));
  if (start < 0 || stop < 0) throw new Error(`no StartLogging/StopLogging pair for ${trailName}`);
  return events.slice(start, stop + 1);
}

/** Each event id once, and how many duplicates there were. */
export function eventIds(files: Delivered[]): { ids: string[]; duplicates: number } {
  const all = files.flatMap((f) => f.records.map((r) => r.eventID as string));
  return { ids: [...new Set(all)].sort(), duplicates: all.length - new Set(all).size };
}
