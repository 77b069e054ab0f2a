// s3rver (a real S3 HTTP server) for tests, in a child process started with the OpenSSL legacy
// provider (paginated listing needs it), on a fixed port so it can be stopped and started again.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { ListObjectsV2Command, S3Client, CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ROOT } from './server.ts';

const SCRIPT = `
const S3rver = require('s3rver');
const [dir, port, cliKey, durablePuts] = process.argv.slice(1);
require(durablePuts)(require('s3rver/lib/stores/filesystem'));
// The aws CLI signs S3 calls with the key it uses for opentrail (validate-logs): accept it too.
require('s3rver/lib/models/account').DUMMY_ACCOUNT.createKeyPair(cliKey, cliKey);
new S3rver({ port: Number(port), address: '127.0.0.1', silent: true, directory: dir }).run().then(() => console.log('ready'));
`;

/** See s3rver-durable-put.cjs. */
export const DURABLE_PUTS = join(import.meta.dirname, 's3rver-durable-put.cjs');

export interface S3rverHandle {
  endpoint: string;
  port: number;
  env: Record<string, string>;
  client: S3Client;
  stop(): Promise<void>;
  start(): Promise<void>;
  createBucket(name: string): Promise<void>;
  /** Every key under the prefix. */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  /** A log file's records. */
  records(bucket: string, key: string): Promise<Record<string, unknown>[]>;
}

/**
 * A port for s3rver when the test names none: below Linux's ephemeral range (32768-60999), where
 * the clients' own connections would otherwise take it now and then (EADDRINUSE).
 */
export const freePortGuess = () => 20000 + Math.floor(Math.random() * 12000);

export async function startS3rver(dir: string, port = 0, guessPort = freePortGuess): Promise<S3rverHandle> {
  let child: ChildProcess | undefined;
  let chosen = port || guessPort();
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn(process.execPath, ['-e', SCRIPT, dir, String(chosen), ROOT.accessKeyId, DURABLE_PUTS], {
        env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('ready')) resolve();
      });
      child.stderr!.on('data', (d) => (out += d));
      child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${out}`)));
    });
  // Another test process may hold the guessed port: guess again.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (err) {
      if (port || attempt === 5 || !String(err).includes('EADDRINUSE')) throw err;
      chosen = guessPort();
    }
  }
  const endpoint = `http://127.0.0.1:${chosen}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    port: chosen,
    client,
    env: {
      OPENTRAIL_S3_ENDPOINT: endpoint,
      OPENTRAIL_S3_REGION: 'us-east-1',
      OPENTRAIL_S3_ACCESS_KEY_ID: 'S3RVER',
      OPENTRAIL_S3_SECRET_ACCESS_KEY: 'S3RVER',
      OPENTRAIL_S3_FORCE_PATH_STYLE: 'true',
    },
    async stop() {
      const c = child!;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    start: launch,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async keys(bucket, prefix = '') {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        out.push(...(res.Contents ?? []).map((o) => o.Key!));
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async records(bucket, key) {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = Buffer.from(await res.Body!.transformToByteArray());
      return JSON.parse(gunzipSync(body).toString('utf8')).Records;
    },
  };
}
