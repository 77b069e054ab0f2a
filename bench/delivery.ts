// Benchmark: trail delivery. Throughput: a backlog of audited calls piles up while the bucket is
// away, then a restarted server drains it into log files (events/s). Latency: calls made one at a
// time at default settings (OPENTRAIL_DELIVERY_INTERVAL_SECONDS=5), from the call's response to
// its log file showing up in a bucket listing. Both for a folder bucket and an s3rver bucket.
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { ChimeClient, ListAccountsCommand } from '@aws-sdk/client-chime';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { FolderBucket } from '../src/buckets/folder.ts';
import { startS3rver } from '../test/helpers/s3rver.ts';
import type { S3rverHandle } from '../test/helpers/s3rver.ts';
import { atMost } from './lib/results.ts';
import type { Measured, Table } from './lib/results.ts';
import { ROOT, startServer } from './lib/server.ts';
import type { BenchServer } from './lib/server.ts';
import { RequestSigner } from './lib/signer.ts';
import { quantile, round } from './lib/stats.ts';

const BACKLOG = 20_000;
const LATENCY_CALLS = 40;
const CALL_GAP_MS = 250;
const POLL_MS = 100;
const GOAL_P95_S = 10;
const BUCKET = 'bench-logs';

/** A bucket the benchmark can take away and bring back, and read. */
interface Target {
  label: 'folder' | 's3rver';
  env: Record<string, string>;
  /** Log files' keys. */
  keys(): Promise<string[]>;
  records(key: string): Promise<Record<string, string>[]>;
  away(): Promise<void>;
  back(): Promise<void>;
  close(): Promise<void>;
}

async function folderTarget(dataDir: string): Promise<Target> {
  const bucket = new FolderBucket(dataDir, BUCKET);
  await bucket.create();
  const walk = (dir: string, prefix = ''): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
  return {
    label: 'folder',
    env: {},
    keys: async () => walk(bucket.location).filter((k) => k.endsWith('.json.gz')),
    records: async (key) => JSON.parse(gunzipSync(readFileSync(join(bucket.location, key))).toString('utf8')).Records,
    away: async () => renameSync(bucket.location, `${bucket.location}-away`),
    back: async () => renameSync(`${bucket.location}-away`, bucket.location),
    close: async () => undefined,
  };
}

async function s3rverTarget(dir: string): Promise<Target> {
  const s3: S3rverHandle = await startS3rver(dir);
  await s3.createBucket(BUCKET);
  return {
    label: 's3rver',
    env: s3.env,
    keys: async () => (await s3.keys(BUCKET, 'AWSLogs/')).filter((k) => k.endsWith('.json.gz')),
    records: (key) => s3.records(BUCKET, key) as Promise<Record<string, string>[]>,
    away: () => s3.stop(),
    back: () => s3.start(),
    close: () => s3.stop(),
  };
}

const clients = (url: string) => {
  const config = { endpoint: url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 };
  return { chime: new ChimeClient(config), ct: new CloudTrailClient(config) };
};

/** Reads new log files as they appear; `seen` maps each record's requestID to when it was first listed. */
class Watcher {
  readonly seen = new Map<string, number>();
  private readonly done = new Set<string>();
  constructor(private readonly target: Target) {}
  async poll(): Promise<void> {
    for (const key of await this.target.keys()) {
      if (this.done.has(key)) continue;
      const at = performance.now();
      this.done.add(key);
      for (const r of await this.target.records(key)) if (!this.seen.has(r.requestID)) this.seen.set(r.requestID, at);
    }
  }
  async until(what: string, ok: () => boolean, seconds: number): Promise<void> {
    const deadline = performance.now() + seconds * 1000;
    for (;;) {
      await this.poll();
      if (ok()) return;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}

/** Milliseconds from each call's response to its log file being listed. */
async function latency(server: BenchServer, target: Target, watcher: Watcher): Promise<number[]> {
  const { chime } = clients(server.url);
  const returned = new Map<string, number>();
  const polling = (async () => {
    while (returned.size < LATENCY_CALLS) {
      await watcher.poll();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  for (let i = 0; i < LATENCY_CALLS; i++) {
    const res = await chime.send(new ListAccountsCommand({}));
    returned.set(res.$metadata.requestId!, performance.now());
    await new Promise((r) => setTimeout(r, CALL_GAP_MS));
  }
  await polling;
  await watcher.until(`${target.label}: every latency call delivered`, () => [...returned.keys()].every((id) => watcher.seen.has(id)), 60);
  chime.destroy();
  return [...returned].map(([id, t]) => watcher.seen.get(id)! - t);
}

/** Events per second a restarted server writes into log files from a backlog of BACKLOG calls. */
async function throughput(dataDir: string, server: BenchServer, target: Target, watcher: Watcher): Promise<{ rate: number; server: BenchServer }> {
  await target.away();
  const signer = new RequestSigner(server.url, 'chime', ROOT, 'opentrail-bench-backlog');
  const request = await signer.sign({ method: 'GET', path: '/accounts', headers: {} });
  const result = await autocannon({ url: server.url, connections: 10, amount: BACKLOG, requests: [{ setupRequest: () => request }] });
  if (result.non2xx || result.errors) throw new Error(`backlog: ${result.non2xx} non-2xx, ${result.errors} errors`);
  await server.stop();
  await target.back();
  const started = performance.now();
  const restarted = await startServer(dataDir, { recording: true, env: target.env });
  const before = watcher.seen.size;
  await watcher.until(`${target.label}: the backlog drained`, () => watcher.seen.size - before >= BACKLOG, 300);
  const last = Math.max(...watcher.seen.values());
  return { rate: BACKLOG / ((last - started) / 1000), server: restarted };
}

export async function run(log: (line: string) => void): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'opentrail-bench-delivery-'));
  const rows: Table['rows'] = [];
  const goals = [];
  try {
    for (const kind of ['folder', 's3rver'] as const) {
      const dataDir = join(dir, kind, 'data');
      const target = kind === 'folder' ? await folderTarget(dataDir) : await s3rverTarget(join(dir, kind, 's3'));
      let server = await startServer(dataDir, { recording: true, env: target.env });
      try {
        const { ct } = clients(server.url);
        await ct.send(new CreateTrailCommand({ Name: 'bench', S3BucketName: BUCKET, IsMultiRegionTrail: true }));
        await ct.send(new StartLoggingCommand({ Name: 'bench' }));
        ct.destroy();
        const watcher = new Watcher(target);
        const latencies = await latency(server, target, watcher);
        const p50 = quantile(latencies, 0.5) / 1000;
        const p95 = quantile(latencies, 0.95) / 1000;
        log(`${kind}: latency p50 ${round(p50)} s, p95 ${round(p95)} s`);
        const drained = await throughput(dataDir, server, target, watcher);
        server = drained.server;
        log(`${kind}: ${Math.round(drained.rate)} events/s from a backlog of ${BACKLOG}`);
        rows.push([kind, Math.round(drained.rate), round(p50), round(p95), round(Math.max(...latencies) / 1000)]);
        goals.push(atMost(`delivery latency p95 (${kind} bucket)`, p95, GOAL_P95_S, 's'));
      } finally {
        await server.stop();
        await target.close();
      }
    }
    return {
      title: 'Trail delivery: throughput and latency',
      goals,
      tables: [{ title: 'Delivery at default settings (interval 5 s)', columns: ['bucket', 'backlog events/s', 'latency p50 (s)', 'latency p95 (s)', 'latency max (s)'], rows }],
      notes: [
        `Latency: ${LATENCY_CALLS} Chime ListAccounts calls, one every ${CALL_GAP_MS} ms, each timed from its response to the first listing (polled every ${POLL_MS} ms) of a log file holding its requestID; one multi-region trail.`,
        `Throughput: ${BACKLOG} calls recorded while the bucket was away (folder renamed / s3rver stopped), then the server restarted with the bucket back; events/s from the restart to the last file listed.`,
        'Server in its own process (bench/serve.ts), SQLite data dir; s3rver in its own process; 2 cores shared with the load generator.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
