// `opentrail serve` as a real process: a restart with the same data dir keeps accounts and
// events, and a SIGKILL right after calls returned loses neither a change nor its record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { ChimeClient, CreateAccountCommand, GetAccountCommand, InviteUsersCommand, ListAccountsCommand, ListUsersCommand } from '@aws-sdk/client-chime';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { clientConfig, spawnServer, tempDir } from './helpers/server.ts';
import { lookupAll, recordOf } from './helpers/records.ts';

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

function clients(url: string) {
  return { chime: new ChimeClient(clientConfig(url)), ct: new CloudTrailClient(clientConfig(url)) };
}

test('a restart with the same data dir keeps accounts, users and events', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await spawnServer(dir);
  const a = clients(first.url);
  const created = await a.chime.send(new CreateAccountCommand({ Name: 'durable' }));
  const accountId = created.Account!.AccountId!;
  await a.chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['kept@example.com'] }));
  const before = await lookupAll(a.ct);
  a.chime.destroy();
  a.ct.destroy();
  await stop(first.child, 'SIGTERM');

  const second = await spawnServer(dir);
  t.after(() => stop(second.child, 'SIGTERM'));
  const b = clients(second.url);
  t.after(() => (b.chime.destroy(), b.ct.destroy()));
  assert.equal((await b.chime.send(new GetAccountCommand({ AccountId: accountId }))).Account!.Name, 'durable');
  const users = await b.chime.send(new ListUsersCommand({ AccountId: accountId }));
  assert.deepEqual(users.Users!.map((u) => u.PrimaryEmail), ['kept@example.com']);
  const after = await lookupAll(b.ct);
  // Every event from before the restart is still there, unchanged.
  const byId = new Map(after.map((e) => [e.EventId, e]));
  for (const e of before) assert.deepEqual(byId.get(e.EventId), e);
  assert.ok(before.some((e) => e.EventName === 'CreateAccount') && before.some((e) => e.EventName === 'InviteUsers'));
  // The key file made at first start still opens the sealed root secret: the same keys work.
  assert.match(second.output(), /root access key AKIA/);
});

test('SIGKILL right after calls returned loses neither the changes nor their records', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await spawnServer(dir);
  const a = clients(first.url);
  const one = await a.chime.send(new CreateAccountCommand({ Name: 'before-kill' }));
  await stop(first.child, 'SIGKILL');
  a.chime.destroy();

  // And a burst of concurrent calls, killed as soon as the last one returned.
  const second = await spawnServer(dir);
  const b = clients(second.url);
  const burst = await Promise.all(Array.from({ length: 25 }, (_, i) => b.chime.send(new CreateAccountCommand({ Name: `burst-${i}` }))));
  await stop(second.child, 'SIGKILL');
  b.chime.destroy();

  const third = await spawnServer(dir);
  t.after(() => stop(third.child, 'SIGTERM'));
  const c = clients(third.url);
  t.after(() => (c.chime.destroy(), c.ct.destroy()));
  const returned = [one, ...burst];
  const { Accounts } = await c.chime.send(new ListAccountsCommand({}));
  assert.deepEqual(Accounts!.map((x) => x.AccountId).sort(), returned.map((r) => r.Account!.AccountId).sort());
  const records = (await lookupAll(c.ct, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }] })).map(recordOf);
  assert.deepEqual(records.map((r) => r.requestID).sort(), returned.map((r) => r.$metadata.requestId).sort());
});

test('SIGKILL in the middle of a burst: every change that survived has its record, and every record its change', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await spawnServer(dir);
  const a = clients(first.url);
  const calls = Array.from({ length: 60 }, (_, i) => a.chime.send(new CreateAccountCommand({ Name: `inflight-${i}` })).catch(() => undefined));
  // Killed as soon as the first call returned; the others are in flight.
  await Promise.race(calls);
  await stop(first.child, 'SIGKILL');
  const returned = (await Promise.all(calls)).filter((r) => r !== undefined);
  a.chime.destroy();

  const second = await spawnServer(dir);
  t.after(() => stop(second.child, 'SIGTERM'));
  const b = clients(second.url);
  t.after(() => (b.chime.destroy(), b.ct.destroy()));
  const accounts = new Set<string>();
  let NextToken: string | undefined;
  do {
    const page = await b.chime.send(new ListAccountsCommand({ NextToken }));
    for (const x of page.Accounts!) accounts.add(x.AccountId!);
    NextToken = page.NextToken;
  } while (NextToken);
  const recorded = new Set(
    (await lookupAll(b.ct, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }] })).map((e) => recordOf(e).responseElements.account.accountId as string),
  );
  assert.deepEqual([...accounts].sort(), [...recorded].sort());
  for (const r of returned) assert.ok(accounts.has(r.Account!.AccountId!), 'a call that returned kept its change');
});
