// Benchmark: log file validation throughput. A trail with log file validation delivers
// BENCH_VALIDATE_EVENTS events (written straight into the journal while logging) to an s3rver
// bucket; then the aws CLI's `cloudtrail validate-logs` and `opentrail validate-logs` check the
// same digests and log files, in one run. Throughput is MB of log files (as stored, gzipped) per
// second of wall time, process start included.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, CreateTrailCommand, GetTrailStatusCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { SqliteStore } from '../src/storage/sqlite.ts';
import { startS3rver } from '../test/helpers/s3rver.ts';
import { ROOT as TEST_ROOT } from '../test/helpers/server.ts';
import { generateEvents } from './lib/journal-fill.ts';
import { atLeast } from './lib/results.ts';
import type { Measured } from './lib/results.ts';
import { ACCOUNT_ID, startServer } from './lib/server.ts';
import { round } from './lib/stats.ts';

const EVENTS = Number(process.env.BENCH_VALIDATE_EVENTS ?? 300_000);
const BUCKET = 'bench-validate';
const TRAIL = 'bench';
const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/${TRAIL}`;
const GOAL = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command; resolves with its exit code, output and wall time. */
function timed(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string; seconds: number }> {
  const t = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024, cwd: join(import.meta.dirname, '..') }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr, seconds: (performance.now() - t) / 1000 }),
    );
  });
}

export async function run(log: (line: string) => void): Promise<Measured> {
  const work = mkdtempSync(join(tmpdir(), 'opentrail-bench-validate-'));
  const s3 = await startS3rver(join(work, 's3'));
  await s3.createBucket(BUCKET);
  // The aws CLI signs its S3 calls with the key it uses for opentrail: the s3rver helper knows the test root key.
  const env = { ...s3.env, OPENTRAIL_ROOT_ACCESS_KEY_ID: TEST_ROOT.accessKeyId, OPENTRAIL_ROOT_SECRET_ACCESS_KEY: TEST_ROOT.secretAccessKey, OPENTRAIL_DELIVERY_INTERVAL_SECONDS: '1', OPENTRAIL_DIGEST_INTERVAL_SECONDS: '2' };
  const dataDir = join(work, 'data');
  try {
    let server = await startServer(dataDir, { recording: true, env });
    const client = () => new CloudTrailClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_ROOT });
    const start = new Date(Date.now() - 60_000);
    await client().send(new CreateTrailCommand({ Name: TRAIL, S3BucketName: BUCKET, EnableLogFileValidation: true }));
    await client().send(new StartLoggingCommand({ Name: TRAIL }));
    await server.stop();

    // The events arrive while the trail logs: straight into the journal, then delivered at restart.
    const store = new SqliteStore(join(dataDir, 'opentrail.db'));
    const events = generateEvents({ accountId: ACCOUNT_ID, rootAccessKeyId: TEST_ROOT.accessKeyId, count: EVENTS, start: new Date(), end: new Date(Date.now() + 1000) });
    let batch = [];
    for (const e of events) {
      batch.push(e);
      if (batch.length === 10_000) {
        const b = batch;
        await store.write(async (tx) => {
          for (const x of b) await tx.journal.append(x);
        });
        batch = [];
      }
    }
    await store.write(async (tx) => {
      for (const x of batch) await tx.journal.append(x);
    });
    await store.close();
    log(`journal filled with ${EVENTS} events`);

    server = await startServer(dataDir, { recording: true, env });
    // StopLogging at once: delivery drains every event before it, then the chain's final digest.
    await client().send(new StopLoggingCommand({ Name: TRAIL }));
    let last = 0;
    for (;;) {
      await sleep(2000);
      const s = await client().send(new GetTrailStatusCommand({ Name: TRAIL }));
      const delivered = s.LatestDeliveryTime?.getTime() ?? 0;
      if (delivered && delivered === last && (s.LatestDigestDeliveryTime?.getTime() ?? 0) > delivered) break;
      last = delivered;
    }
    const end = new Date();
    const logKeys = (await s3.keys(BUCKET, `AWSLogs/${ACCOUNT_ID}/CloudTrail/us-east-1/`)).filter((k) => k.endsWith('.json.gz'));
    const digestKeys = await s3.keys(BUCKET, `AWSLogs/${ACCOUNT_ID}/CloudTrail-Digest/`);
    let bytes = 0;
    for (const key of logKeys) bytes += (await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ContentLength ?? 0;
    const mb = bytes / 1048576;
    log(`${logKeys.length} log files (${mb.toFixed(1)} MB gzipped), ${digestKeys.length} digests`);

    const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const args = ['--trail-arn', ARN, '--start-time', iso(start), '--end-time', iso(end), '--region', 'us-east-1', '--endpoint-url', server.url];
    const clientEnv = {
      AWS_ACCESS_KEY_ID: TEST_ROOT.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_ROOT.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
    };
    const cli = await timed('aws', ['cloudtrail', 'validate-logs', ...args], clientEnv);
    const ours = await timed(process.execPath, ['bin/opentrail.js', 'validate-logs', ...args], clientEnv);
    for (const [name, r] of [['aws CLI', cli], ['opentrail', ours]] as const) {
      if (r.code !== 0) throw new Error(`${name} validate-logs exited ${r.code}: ${r.stdout}${r.stderr}`);
      log(`${name}: ${r.seconds.toFixed(2)} s, ${(mb / r.seconds).toFixed(1)} MB/s`);
    }
    const summary = (out: string) => out.split('\n').filter((l) => l.includes('files valid'));
    if (summary(cli.stdout).join() !== summary(ours.stdout).join()) throw new Error(`the validators disagree:\n${cli.stdout}\n${ours.stdout}`);
    await server.stop();
    const ratio = round(cli.seconds / ours.seconds);
    return {
      title: 'validate-logs throughput: opentrail against the aws CLI on the same bucket',
      goals: [atLeast('opentrail validate-logs speed-up over aws cloudtrail validate-logs', ratio, GOAL)],
      tables: [
        {
          title: `${EVENTS} events in ${logKeys.length} log files (${mb.toFixed(1)} MB gzipped), ${digestKeys.length} digests, s3rver on loopback`,
          columns: ['validator', 'seconds', 'MB/s', 'result'],
          rows: [
            ['aws cloudtrail validate-logs (aws-cli 1.x)', round(cli.seconds), round(mb / cli.seconds), summary(cli.stdout).join('; ')],
            ['opentrail validate-logs', round(ours.seconds), round(mb / ours.seconds), summary(ours.stdout).join('; ')],
          ],
        },
      ],
      notes: ['Wall time of each command, process start included; both read the same s3rver bucket and ask the same opentrail server for the trail and its public keys.'],
    };
  } finally {
    await s3.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
