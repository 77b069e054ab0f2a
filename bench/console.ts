// Benchmark: the console's Event history with 1,000,000 events stored. Server time of the first
// page (the console's /console/api/events: a LookupEvents call made as the console session, its
// own record included), unfiltered and filtered, and of the events-per-minute chart, measured on
// loopback by a signed-in client. The journal is cached in bench/.cache/console-<events>/.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillJournal, generateEvents, indexJournal, inWorkingCopy } from './lib/journal-fill.ts';
import { atMost } from './lib/results.ts';
import type { Measured } from './lib/results.ts';
import { ACCOUNT_ID, ROOT, startServer } from './lib/server.ts';
import { quantile, round } from './lib/stats.ts';

const EVENTS = Number(process.env.BENCH_CONSOLE_EVENTS ?? 1_000_000);
const DAYS = 90;
const DAY = 86400_000;
const SAMPLES = 50;
const WARMUP = 5;
const GOAL_MS = 300;
const PASSWORD = 'bench-Console-pass-1';
const CACHE = join(import.meta.dirname, '.cache', `console-${EVENTS}`);

/** Fills the journal once (10,000 events a transaction); later runs reuse it. */
async function journal(log: (line: string) => void): Promise<Date> {
  const done = join(CACHE, 'filled-at');
  if (existsSync(done) && !process.env.BENCH_REFILL) {
    await indexJournal(join(CACHE, 'opentrail.db'));
    return new Date(Number(readFileSync(done, 'utf8')));
  }
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  const end = new Date();
  await fillJournal(join(CACHE, 'opentrail.db'), generateEvents({ accountId: ACCOUNT_ID, rootAccessKeyId: ROOT.accessKeyId, count: EVENTS, start: new Date(end.getTime() - DAYS * DAY), end }), log);
  writeFileSync(done, String(end.getTime()));
  return end;
}

/** A console session, as a browser gets one: the sign-in form's CSRF cookie, then sign-in. */
async function signIn(url: string): Promise<string> {
  const pre = await fetch(`${url}/console/api/session`);
  const presign = pre.headers.getSetCookie()[0].split(';')[0];
  const { csrf } = (await pre.json()) as { csrf: string };
  const res = await fetch(`${url}/console/api/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie: presign },
    body: JSON.stringify({ accountId: ACCOUNT_ID, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().find((c) => c.startsWith('ot_session='))!.split(';')[0];
}

export async function run(log: (line: string) => void): Promise<Measured> {
  log(`journal of ${EVENTS} events in ${CACHE}`);
  const filledAt = await journal(log);
  return inWorkingCopy(CACHE, (dataDir) => measure(dataDir, filledAt));
}

async function measure(dataDir: string, filledAt: Date): Promise<Measured> {
  const retentionDays = DAYS + Math.ceil((Date.now() - filledAt.getTime()) / DAY) + 1;
  const server = await startServer(dataDir, { recording: true, env: { OPENTRAIL_RETENTION_DAYS: String(retentionDays), OPENTRAIL_ROOT_PASSWORD: PASSWORD } });
  try {
    const cookie = await signIn(server.url);
    const time = async (path: string, check: (body: any) => boolean) => {
      const t = performance.now();
      const res = await fetch(server.url + path, { headers: { cookie } });
      const body = await res.json();
      const ms = performance.now() - t;
      if (res.status !== 200 || !check(body)) throw new Error(`${path}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      return ms;
    };
    const from = filledAt.getTime() - DAYS * DAY;
    const cases = [
      { label: 'first page, no filter, 90 days', path: () => `/console/api/events?region=us-east-1&start=${from}&end=${Date.now()}`, check: (b: any) => b.events.length === 50 },
      { label: 'first page, EventName=GetUser', path: () => `/console/api/events?region=us-east-1&key=EventName&value=GetUser&start=${from}&end=${Date.now()}`, check: (b: any) => b.events.length === 50 },
      { label: 'first page, read-only events hidden', path: () => `/console/api/events?region=us-east-1&hideReadOnly=1&start=${from}&end=${Date.now()}`, check: (b: any) => b.events.length === 50 },
      { label: 'chart, last hour of the range', path: () => `/console/api/events/chart?region=us-east-1&start=${from}&end=${filledAt.getTime()}`, check: (b: any) => b.buckets.length === 60 },
    ];
    const samples = new Map(cases.map((c) => [c, [] as number[]]));
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      for (const c of cases) {
        const ms = await time(c.path(), c.check);
        if (i >= WARMUP) samples.get(c)!.push(ms);
      }
    }
    const raw = (c: (typeof cases)[number], q: number) => quantile(samples.get(c)!, q);
    const p = (c: (typeof cases)[number], q: number) => round(raw(c, q));
    return {
      title: `Console Event history with ${EVENTS.toLocaleString('en-US')} events`,
      goals: [atMost("Event history's first page, p99 (worst filter)", Math.max(...cases.slice(0, 3).map((c) => raw(c, 0.99))), GOAL_MS, 'ms')],
      tables: [
        {
          title: `Console endpoints, ms on loopback (${SAMPLES} samples each, signed-in root session)`,
          columns: ['request', 'p50', 'p99'],
          rows: cases.map((c) => [c.label, p(c, 0.5), p(c, 0.99)]),
        },
      ],
      notes: [
        'A page is a LookupEvents call signed with the console session credentials and run through the pipeline (its own LookupEvents record is appended), converted for the table.',
        `Journal: ~1 KB records by src/audit/record.ts over ${DAYS} days (bench/lib/journal-fill.ts), filled ${filledAt.toISOString()}.`,
      ],
    };
  } finally {
    await server.stop();
  }
}
