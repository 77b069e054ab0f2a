// A realistic Event history for the lookup benchmark: ~1 KB CloudTrail records built by the real
// record builder (src/audit/record.ts), spread evenly over a time span, by several principals,
// services, operations and resources, some popular and most rare. Deterministic (seeded), so
// every fill has the same shape.
import { closeSync, cpSync, fsyncSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journalEntry } from '../../src/audit/record.ts';
import type { Principal } from '../../src/iam/principal.ts';
import type { JournalEntry, LookupAttributeKey } from '../../src/storage/store.ts';
import { lookupKeys } from '../../src/storage/journal-index.ts';
import { SqliteStore } from '../../src/storage/sqlite.ts';

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPERATIONS: { source: string; names: string[]; readOnly: boolean[]; resourceType: string }[] = [
  { source: 'chime.amazonaws.com', names: ['CreateAccount', 'GetAccount', 'UpdateAccount', 'ListAccounts', 'InviteUsers', 'GetUser', 'ListUsers', 'ResetPersonalPIN'], readOnly: [false, true, false, true, false, true, true, false], resourceType: 'AWS::Chime::Account' },
  { source: 'iam.amazonaws.com', names: ['CreateUser', 'GetUser', 'ListUsers', 'CreateAccessKey', 'AttachUserPolicy', 'ListAttachedUserPolicies'], readOnly: [false, true, true, false, false, true], resourceType: 'AWS::IAM::User' },
  { source: 'sts.amazonaws.com', names: ['GetCallerIdentity', 'AssumeRole', 'GetSessionToken'], readOnly: [true, true, true], resourceType: 'AWS::IAM::Role' },
  { source: 's3.amazonaws.com', names: ['CreateBucket', 'PutBucketPolicy', 'GetBucketPolicy', 'ListBuckets'], readOnly: [false, false, true, true], resourceType: 'AWS::S3::Bucket' },
  { source: 'cloudtrail.amazonaws.com', names: ['LookupEvents', 'CreateTrail', 'DescribeTrails', 'GetTrailStatus', 'StartLogging'], readOnly: [true, false, true, true, false], resourceType: 'AWS::CloudTrail::Trail' },
];
const RESOURCES_PER_SERVICE = 400;
const USER_AGENTS = ['aws-cli/1.45.0 md/Botocore#1.43.0 ua/2.1 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.7', 'aws-sdk-js/3.1138.0 ua/2.1 os/linux#6.1.0 lang/js md/nodejs#20.20.2 api/chime#3.1138.0 m/N,E,e'];

export interface FillOptions {
  accountId: string;
  rootAccessKeyId: string;
  count: number;
  /** Events are spread evenly (with jitter) from `start` to `end`. */
  start: Date;
  end: Date;
  seed?: number;
}

/** The principals events come from: root and a dozen IAM users with two access keys each. */
function principals(o: FillOptions): Principal[] {
  const out: Principal[] = [{ type: 'Root', accountId: o.accountId, accessKeyId: o.rootAccessKeyId }];
  for (let u = 0; u < 12; u++) {
    for (let k = 0; k < 2; k++) {
      out.push({ type: 'IAMUser', accountId: o.accountId, userId: `AIDABENCHUSER${String(u).padStart(7, '0')}`, userName: `user-${u}`, path: '/', accessKeyId: `AKIABENCHU${String(u).padStart(2, '0')}K${k}0000000` });
    }
  }
  return out;
}

/** A skewed pick: index 0 is the most frequent (roughly Zipf with exponent 1). */
const skewed = (rand: () => number, n: number) => Math.min(n - 1, Math.floor(Math.exp(rand() * Math.log(n + 1)) - 1));

export function* generateEvents(o: FillOptions): Generator<JournalEntry> {
  const rand = prng(o.seed ?? 42);
  const people = principals(o);
  const step = (o.end.getTime() - o.start.getTime()) / o.count;
  for (let i = 0; i < o.count; i++) {
    const service = OPERATIONS[skewed(rand, OPERATIONS.length)];
    const op = skewed(rand, service.names.length);
    const principal = people[skewed(rand, people.length)];
    const resource = `${service.resourceType.split('::')[2].toLowerCase()}-${skewed(rand, RESOURCES_PER_SERVICE)}`;
    const failed = rand() < 0.05;
    const readOnly = service.readOnly[op];
    yield journalEntry({
      principal,
      eventSource: service.source,
      eventName: service.names[op],
      awsRegion: 'us-east-1',
      recipientAccountId: o.accountId,
      eventTime: new Date(o.start.getTime() + i * step + rand() * step),
      sourceIPAddress: `10.0.${Math.floor(rand() * 4)}.${Math.floor(rand() * 250) + 2}`,
      userAgent: USER_AGENTS[i % USER_AGENTS.length],
      readOnly,
      requestParameters: { name: resource, description: `benchmark event ${i} on ${resource}`, tags: [{ key: 'team', value: 'platform' }, { key: 'env', value: 'production' }], maxResults: 50 },
      responseElements: readOnly ? null : { resource: { name: resource, arn: `arn:aws:bench:us-east-1:${o.accountId}:${resource}`, createdAt: '2026-01-01T00:00:00Z', status: 'Active' } },
      error: failed ? { code: 'ConflictException', message: `Request could not be completed due to a conflict with ${resource}.` } : undefined,
      requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      lookupResources: [{ type: service.resourceType, name: resource }],
    });
  }
}

/** Counts lookup attribute values, to choose queries that have enough events for ten pages. */
export class ValueCounts {
  private readonly counts = new Map<string, Map<string, number>>();
  add(entry: JournalEntry): void {
    for (const [attr, value] of lookupKeys(entry)) {
      if (attr === 'EventId' || attr === '*') continue;
      const m = this.counts.get(attr) ?? new Map<string, number>();
      m.set(value, (m.get(value) ?? 0) + 1);
      this.counts.set(attr, m);
    }
  }
  /** Up to `n` values of an attribute with at least `min` events, most frequent last (a spread of sizes). */
  values(attr: LookupAttributeKey, min: number, n: number): { value: string; events: number }[] {
    const all = [...(this.counts.get(attr) ?? [])].filter(([, c]) => c >= min).sort((a, b) => a[1] - b[1]);
    const stride = Math.max(1, Math.floor(all.length / n));
    return all.filter((_, i) => i % stride === 0).slice(-n).map(([value, events]) => ({ value, events }));
  }
}

export const FILL_BATCH = 10_000;

/**
 * Appends the events to the SQLite journal at `file`, FILL_BATCH per write transaction, and
 * waits for Event history's index to hold them all. Returns the store's time (ms): records are
 * built between transactions and not counted.
 */
export async function fillJournal(file: string, events: Iterable<JournalEntry>, log: (line: string) => void, each?: (e: JournalEntry) => void): Promise<number> {
  const store = new SqliteStore(file);
  let storeMs = 0;
  let done = 0;
  let batch: JournalEntry[] = [];
  const flush = async () => {
    const t = performance.now();
    const b = batch;
    await store.write(async (tx) => {
      for (const e of b) await tx.journal.append(e);
    });
    storeMs += performance.now() - t;
    done += batch.length;
    batch = [];
    if (done % 100_000 === 0) log(`filled ${done} events, ${Math.round(done / (storeMs / 1000))} events/s`);
  };
  for (const e of events) {
    batch.push(e);
    each?.(e);
    if (batch.length === FILL_BATCH) await flush();
  }
  if (batch.length) await flush();
  // The bulk index of the last events is part of ingesting them.
  const t = performance.now();
  await store.indexAll();
  storeMs += performance.now() - t;
  await store.close();
  return storeMs;
}

/** Brings the index of a cached journal up to date (one of an older layout is rebuilt), so that lookups are measured on a whole index. */
export async function indexJournal(file: string): Promise<void> {
  const store = new SqliteStore(file);
  await store.indexAll();
  await store.close();
}

/**
 * Runs `fn` on a copy of a cached data dir, removed after. A server records every call it is
 * sent, and the lookup bench rebuilds the index: run on the cache itself, each run would measure
 * the history the runs before it left (~28,000 LookupEvents records a run, the journal's newest
 * events, which lookups during a rebuild read first). The copy is on disk before `fn` runs: the
 * kernel writing ~1.5 GB back while it measures made console pages ~60% slower.
 */
export async function inWorkingCopy<T>(cache: string, fn: (dataDir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'opentrail-bench-'));
  try {
    cpSync(cache, dir, { recursive: true });
    for (const file of readdirSync(dir)) {
      const fd = openSync(join(dir, file), 'r');
      fsyncSync(fd);
      closeSync(fd);
    }
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
