// Scale-out: several opentrail processes share one PostgreSQL database and one key file.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ChimeClient, CreateAccountCommand, GetAccountCommand } from '@aws-sdk/client-chime';
import { CloudTrailClient, LookupEventsCommand, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { ACCOUNT_ID, clientConfig, spawnServer, tempDir } from './helpers/server.ts';
import { ROOT_PASSWORD } from './helpers/console.ts';
import { HttpBrowser } from './helpers/http-browser.ts';
import { createTestDatabase } from './helpers/postgres.ts';

/** Two `opentrail serve` processes on a fresh database and one key file, stopped after the test. */
async function twoProcesses(t: TestContext, extraEnv: Record<string, string> = {}) {
  const db = await createTestDatabase();
  const env = { OPENTRAIL_DATABASE_URL: db.url, OPENTRAIL_KEY_FILE: join(tempDir(), 'shared.key'), ...extraEnv };
  const a = await spawnServer(tempDir(), env);
  const b = await spawnServer(tempDir(), env);
  t.after(async () => {
    a.child.kill();
    b.child.kill();
    await db.drop();
  });
  return [a, b];
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
