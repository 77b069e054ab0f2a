// Running the two validators (the aws CLI's and opentrail's) over a trail's bucket.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Store } from '../../src/storage/store.ts';
import { busyChains } from '../../src/integrity/chains.ts';
import { activeStates } from '../../src/trails/delivery-state.ts';
import { waitFor } from './delivery.ts';
import { aws, ROOT } from './server.ts';

export interface Verdict {
  code: number;
  stdout: string;
  stderr: string;
  /** The INVALID and gap lines, as printed. */
  problems: string[];
}

const problemsOf = (stderr: string) => stderr.split('\n').filter((l) => l.includes('INVALID') || l.startsWith('No log files'));

export async function awsValidate(url: string, s3Endpoint: string, args: string[]): Promise<Verdict> {
  const r = await aws(url, ['cloudtrail', 'validate-logs', ...args], { env: { AWS_ENDPOINT_URL_S3: s3Endpoint } });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, problems: problemsOf(r.stderr) };
}

/** `opentrail validate-logs`, as a child process (the server runs in the test's own process). */
export function opentrailValidate(url: string, args: string[], env: Record<string, string> = {}): Promise<Verdict> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/opentrail.js', 'validate-logs', '--endpoint-url', url, '--region', 'us-east-1', ...args],
      {
        cwd: join(import.meta.dirname, '..', '..'),
        env: { ...process.env, AWS_ACCESS_KEY_ID: ROOT.accessKeyId, AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr, problems: problemsOf(stderr) }),
    );
  });
}

/** Waits until every trail delivered what it had and every digest chain wrote its final digest. */
export async function digestsSettled(store: Store, seconds = 60): Promise<void> {
  await waitFor('the final digests', () => store.read(async (tx) => (await busyChains(tx)).length === 0 && (await activeStates(tx)).length === 0), seconds);
}

/** The summary lines both validators print. */
export const summaryOf = (stdout: string) => stdout.split('\n').filter((l) => /files (valid|INVALID)|^Results|^No /.test(l));
