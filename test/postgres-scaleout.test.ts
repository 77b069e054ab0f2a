// Scale-out: several opentrail processes share one PostgreSQL database and one key file.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ChimeClient, CreateAccountCommand, GetAccountCommand } from '@aws-sdk/client-chime';
import { CloudTrailClient, CreateTrailCommand, LookupEventsCommand, paginateLookupEvents, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import pg from 'pg';
import { PostgresStore } from '../src/storage/postgres.ts';
import { ACCOUNT_ID, clientConfig, spawnServer, startServer, tempDir } from './helpers/server.ts';
import { ROOT_PASSWORD } from './helpers/console.ts';
import { eventIds, waitFor } from './helpers/delivery.ts';
import { HttpBrowser } from './helpers/http-browser.ts';
import { awsValidate, digestsSettled } from './helpers/integrity.ts';
import { createTestDatabase } from './helpers/postgres.ts';
import { startS3rver } from './helpers/s3rver.ts';

/** `opentrail serve` processes on a fresh database and one key file, stopped after the test. */
async function processes(t: TestContext, extraEnv: Record<string, string> = {}) {
  const db = await createTestDatabase();
  const env = { OPENTRAIL_DATABASE_URL: db.url, OPENTRAIL_KEY_FILE: join(tempDir(), 'shared.key'), ...extraEnv };
  const started: Awaited<ReturnType<typeof spawnServer>>[] = [];
  t.after(async () => {
    for (const p of started) p.child.kill();
    await db.drop();
  });
  const spawn = async () => {
    const p = await spawnServer(tempDir(), env);
    started.push(p);
    return p;
  };
  return { db, spawn };
}

async function twoProcesses(t: TestContext, extraEnv: Record<string, string> = {}) {
  const { spawn } = await processes(t, extraEnv);
  return [await spawn(), await spawn()];
}

test('two processes on one PostgreSQL database serve one state and one journal', async (t) => {
  const [a, b] = await twoProcesses(t);
  const chimeA = new ChimeClient(clientConfig(a.url));
  const chimeB = new ChimeClient(clientConfig(b.url));
  t.after(() => {
    chimeA.destroy();
    chimeB.destroy();
  });

  const created = await chimeA.send(new CreateAccountCommand({ Name: 'made-on-a' }));
  const seen = await chimeB.send(new GetAccountCommand({ AccountId: created.Account!.AccountId }));
  assert.equal(seen.Account?.Name, 'made-on-a', 'state written by one process is read by the other');

  // Concurrent writes on both processes: every call recorded once, found from either process.
  const names = Array.from({ length: 20 }, (_, i) => `acct-${i}`);
  await Promise.all(names.map((Name, i) => (i % 2 ? chimeA : chimeB).send(new CreateAccountCommand({ Name }))));
  const trail = new CloudTrailClient(clientConfig(b.url));
  t.after(() => trail.destroy());
  const events = [];
  for await (const page of paginateLookupEvents({ client: trail }, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }], MaxResults: 7 })) {
    events.push(...(page.Events ?? []));
  }
  assert.equal(events.length, 21);
  const createdNames = events.map((e) => JSON.parse(e.CloudTrailEvent!).requestParameters.name).sort();
  assert.deepEqual(createdNames, ['made-on-a', ...names].sort());
  const fromA = await new CloudTrailClient(clientConfig(a.url)).send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetAccount' }] }));
  assert.equal(fromA.Events?.length, 1, 'a call served by B is in the history A reads');
});

test('PostgreSQL ends every connection (a restart, a failover): the process stays up, and its next calls are served and recorded', async (t) => {
  const { db, spawn } = await processes(t);
  const p = await spawn();
  const chime = new ChimeClient(clientConfig(p.url));
  t.after(() => chime.destroy());
  await chime.send(new CreateAccountCommand({ Name: 'before' }));
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    const others = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    assert.ok(others.rows.length > 0, 'the process had connections to end');
    for (const { pid } of others.rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
  // Idle connections report their end as errors of the pool; unheard, one stopped the process.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(p.child.exitCode, null, `the process exited: ${p.output()}`);
  const made = await chime.send(new CreateAccountCommand({ Name: 'after' }));
  const trail = new CloudTrailClient(clientConfig(p.url));
  t.after(() => trail.destroy());
  const found = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: made.Account!.AccountId! }] }));
  assert.deepEqual(found.Events!.map((e) => e.EventName), ['CreateAccount']);
});

test('a server whose database is gone still shuts down: the port closes, the leases lapse on their own', async (t) => {
  const db = await createTestDatabase();
  const logged: string[] = [];
  const s = await startServer({ env: { OPENTRAIL_DATABASE_URL: db.url }, log: (m) => logged.push(m) });
  await s.chime().send(new CreateAccountCommand({ Name: 'before' }));
  await db.drop();
  // It rejected at the delivery worker's lease release, and left the port open and the other workers running.
  await s.close();
  await assert.rejects(fetch(s.url), /fetch failed/);
  assert.match(logged.join('\n'), /trail delivery: leases not released at stop \(they lapse within 10 s\): database "opentrail_test_\w+" does not exist/);
});

test('console sign-in failures are counted across the processes: ten on two processes close both', async (t) => {
  const [a, b] = await twoProcesses(t, { OPENTRAIL_ROOT_PASSWORD: ROOT_PASSWORD });
  const [onA, onB] = [new HttpBrowser(a.url), new HttpBrowser(b.url)];
  for (let i = 0; i < 10; i++) assert.equal((await (i % 2 ? onA : onB).signIn({ accountId: ACCOUNT_ID, password: `guess-${i}` })).status, 401);
  for (const browser of [onA, onB]) {
    const refused = await browser.signIn({ accountId: ACCOUNT_ID, password: ROOT_PASSWORD });
    assert.deepEqual([refused.status, refused.json.error.code], [429, 'TooManyAttempts']);
  }
  // Another name (or address) is not locked out by these failures.
  assert.equal((await onA.signIn({ accountId: ACCOUNT_ID, userName: 'nobody', password: 'x' })).status, 401);
});

test('processes sharing a database deliver a trail once: killed together, a new one takes over; each event in one file, digests valid for the aws CLI', async (t) => {
  const s3 = await startS3rver(tempDir());
  t.after(() => s3.stop());
  await s3.createBucket('shared-trail');
  const { db, spawn } = await processes(t, { ...s3.env, OPENTRAIL_DELIVERY_INTERVAL_SECONDS: '1', OPENTRAIL_DIGEST_INTERVAL_SECONDS: '2' });
  const [a, b] = [await spawn(), await spawn()];
  const clients: { destroy(): void }[] = [];
  t.after(() => clients.forEach((c) => c.destroy()));
  const chime = (url: string) => (clients.push(new ChimeClient(clientConfig(url))), clients.at(-1) as ChimeClient);
  const cloudtrail = (url: string) => (clients.push(new CloudTrailClient(clientConfig(url))), clients.at(-1) as CloudTrailClient);
  const start = new Date(Date.now() - 60_000);

  await cloudtrail(a.url).send(new CreateTrailCommand({ Name: 'shared', S3BucketName: 'shared-trail', EnableLogFileValidation: true }));
  await cloudtrail(b.url).send(new StartLoggingCommand({ Name: 'shared' }));
  const [onA, onB] = [chime(a.url), chime(b.url)];
  await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? onA : onB).send(new CreateAccountCommand({ Name: `before-${i}` }))));
  // Some files delivered, some not: both processes die at once, leases held, batches half done.
  await new Promise((r) => setTimeout(r, 1500));
  a.child.kill('SIGKILL');
  b.child.kill('SIGKILL');
  const c = await spawn();
  const onC = chime(c.url);
  for (let i = 0; i < 10; i++) await onC.send(new CreateAccountCommand({ Name: `after-${i}` }));
  await cloudtrail(c.url).send(new StopLoggingCommand({ Name: 'shared' }));

  const recorded: string[] = [];
  for await (const page of paginateLookupEvents({ client: cloudtrail(c.url) }, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }], StartTime: start })) {
    recorded.push(...(page.Events ?? []).map((e) => e.EventId!));
  }
  assert.equal(recorded.length, 30);
  const delivered = async () => {
    const keys = (await s3.keys('shared-trail', 'AWSLogs/')).filter((k) => k.includes('/CloudTrail/') && k.endsWith('.json.gz'));
    return Promise.all(keys.map(async (key) => ({ key, records: await s3.records('shared-trail', key) })));
  };
  // The new process waits out the dead ones' leases (10 s), then delivers what they left.
  await waitFor(
    'every CreateAccount delivered',
    async () => {
      const ids = new Set(eventIds(await delivered()).ids);
      return recorded.every((id) => ids.has(id));
    },
    60,
  );
  const store = await PostgresStore.open(db.url);
  try {
    await digestsSettled(store);
  } finally {
    await store.close();
  }
  assert.equal(eventIds(await delivered()).duplicates, 0, 'no event delivered twice');

  const verdict = await awsValidate(c.url, s3.endpoint, ['--trail-arn', `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/shared`, '--start-time', start.toISOString().replace(/\.\d{3}Z$/, 'Z'), '--verbose']);
  assert.equal(verdict.code, 0, verdict.stderr);
  assert.deepEqual(
    verdict.problems.filter((p) => p.includes('INVALID')),
    [],
    verdict.stderr,
  );
  const digests = /(\d+)\/(\d+) digest files valid/.exec(verdict.stdout);
  assert.ok(digests && digests[1] === digests[2] && Number(digests[1]) > 0, verdict.stdout);
});
