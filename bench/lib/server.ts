// Starts bench/serve.ts as a child process with the benchmark's root credentials.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const ROOT: Credentials = { accessKeyId: 'AKIAOPENTRAILBENCH01', secretAccessKey: 'opentrail-bench-root-secret-key/0123456789' };
export const ACCOUNT_ID = '123456789012';

export interface BenchServer {
  url: string;
  pid: number;
  /** Server-side durations (ms) of the requests received since the last call, in order of arrival (null: not answered yet). */
  timings(): Promise<(number | null)[]>;
  /** CPU time (user + system, µs) the server process has used so far, all threads. */
  cpu(): Promise<number>;
  /**
   * The server's main thread, the one that bounds its throughput (Linux): µs it ran, and µs it
   * was ready to run but waited for a CPU (other threads, other processes).
   */
  mainThread(): { ran: number; waited: number };
  stop(): Promise<void>;
}

export async function startServer(dataDir: string, opts: { recording: boolean; env?: Record<string, string> }): Promise<BenchServer> {
  // BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of every server to that dir when it stops.
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', process.env.BENCH_SERVE ?? join(import.meta.dirname, '..', 'serve.ts'), dataDir, opts.recording ? 'on' : 'off'], {
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      OPENTRAIL_ACCOUNT_ID: ACCOUNT_ID,
      OPENTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
      OPENTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
      OPENTRAIL_KEY_FILE: '',
      OPENTRAIL_DATABASE_URL: '',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  // A benchmark stopped half-way (Ctrl-C, an error) leaves no server behind.
  const orphaned = () => child.kill('SIGTERM');
  process.once('exit', orphaned);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', orphaned);
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}: ${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    timings: () => ask<(number | null)[]>(child, 'timings'),
    cpu: async () => {
      const { user, system } = await ask<NodeJS.CpuUsage>(child, 'cpu');
      return user + system;
    },
    mainThread: () => schedStat(child.pid!, child.pid!),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A thread's /proc schedstat: ns on a CPU, ns waiting on a run queue (then time slices). */
function schedStat(pid: number, tid: number): { ran: number; waited: number } {
  const [ran, waited] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
  return { ran: ran / 1000, waited: waited / 1000 };
}

function ask<T>(child: ChildProcess, question: string): Promise<T> {
  return new Promise<T>((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(question);
  });
}
