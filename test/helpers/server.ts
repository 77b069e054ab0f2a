// Starts real opentrail servers for tests (in-process, or as a child process for crash tests)
// and gives the official clients pointed at them.
import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ChimeClient } from '@aws-sdk/client-chime';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { loadConfig } from '../../src/config.ts';
import { createServer } from '../../src/server.ts';
import type { Server } from '../../src/server.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const ROOT = { accessKeyId: 'AKIAOPENTRAILROOT001', secretAccessKey: 'opentrail-test-root-secret-key/0123456789' };
export const ACCOUNT_ID = '123456789012';

const tempDirs: string[] = [];
// Each test file runs in its own process: its directories go when it ends.
process.once('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory, removed when the test process exits. */
export function tempDir(prefix = 'opentrail-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** The files under `dir` (relative paths) whose bytes hold `text`: a secret must be in none. */
export function filesHolding(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && readFileSync(join(e.parentPath, e.name)).includes(text))
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

export interface ClientOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts?: number;
}

export interface TestServer {
  url: string;
  dataDir: string;
  server: Server;
  chime(opts?: ClientOptions): ChimeClient;
  cloudtrail(opts?: ClientOptions): CloudTrailClient;
  close(): Promise<void>;
}

export function clientConfig(url: string, opts: ClientOptions = {}) {
  return {
    endpoint: url,
    region: opts.region ?? 'us-east-1',
    credentials: opts.credentials ?? ROOT,
    maxAttempts: opts.maxAttempts ?? 1,
  };
}

export function rootEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
    OPENTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
    OPENTRAIL_ACCOUNT_ID: ACCOUNT_ID,
    ...extra,
  };
}

/** An in-process server on a free port with its own data dir (kept when `dataDir` is given). */
export async function startServer(opts: { dataDir?: string; env?: Record<string, string>; recording?: boolean; log?: (message: string) => void } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const config = loadConfig({ port: 0, host: '127.0.0.1', dataDir }, rootEnv(opts.env));
  const server = await createServer(config, { log: opts.log ?? (() => undefined), recording: opts.recording });
  const url = await server.start();
  const clients: { destroy(): void }[] = [];
  const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);
  return {
    url,
    dataDir,
    server,
    chime: (o) => track(new ChimeClient(clientConfig(url, o))),
    cloudtrail: (o) => track(new CloudTrailClient(clientConfig(url, o))),
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `opentrail serve` as a child process, for restart and crash tests. */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['bin/opentrail.js', 'serve', '--port', '0', '--data-dir', dataDir], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { ...process.env, ...rootEnv(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`opentrail serve exited with ${code}: ${out}`)));
  });
  return { url, child, output: () => out };
}

export interface AwsResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

/** Runs the aws CLI on the machine (aws-cli 1.x) against a server. */
export function aws(url: string, args: string[], opts: { env?: Record<string, string>; region?: string } = {}): Promise<AwsResult> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['--endpoint-url', url, '--region', opts.region ?? 'us-east-1', '--output', 'json', ...args],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: ROOT.accessKeyId,
          AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_MAX_ATTEMPTS: '1',
          AWS_RETRY_MODE: 'standard',
          ...opts.env,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        let json: any;
        try {
          json = stdout.trim() ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, json });
      },
    );
  });
}
