// The embedded store's indexer thread yields the CPUs to the API's calls once it has caught up
// (Linux SCHED_IDLE), and is replaced by one at normal priority when it falls behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStore } from '../src/storage/sqlite.ts';
import { newEventId } from '../src/audit/event-id.ts';
import type { JournalEntry } from '../src/storage/store.ts';
import { tempDir } from './helpers/server.ts';

/** This process's threads under SCHED_IDLE (policy 5, the 41st field of /proc's stat). */
function idleThreads(): number {
  return readdirSync('/proc/self/task').filter((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[38] === '5';
  }).length;
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await sleep(25);
  assert.ok(ok(), what);
}

function entry(i: number): JournalEntry {
  const eventId = newEventId();
  return {
    accountId: '123456789012',
    region: 'us-east-1',
    eventId,
    eventTime: new Date(),
    eventName: 'CreateAccount',
    eventSource: 'chime.amazonaws.com',
    readOnly: false,
    category: 'Management',
    resources: [{ type: 'AWS::Chime::Account', name: `account-${i}` }],
    record: JSON.stringify({ eventID: eventId }),
  };
}

test('sqlite indexer: caught up, it runs in the background; far behind, it is replaced by one at normal priority, and who waited is answered', async (t) => {
  const logged: string[] = [];
  const store = new SqliteStore(join(tempDir(), 'opentrail.db'), (m) => logged.push(m), { indexLagLimit: 50 });
  t.after(() => store.close());
  await store.indexAll();
  await until('the caught-up indexer runs under SCHED_IDLE', () => idleThreads() === 1);

  // 500 events at once: the background indexer finds itself 500 behind, over the limit of 50.
  await store.write(async (tx) => {
    for (let i = 0; i < 500; i++) await tx.journal.append(entry(i));
  });
  await store.indexAll();
  assert.ok(
    logged.some((m) => /500 events behind/.test(m)),
    `the replacement is logged: ${JSON.stringify(logged)}`,
  );
  const now = new Date();
  const found = await store.read((tx) =>
    tx.journal.lookup({ accountId: '123456789012', region: 'us-east-1', category: 'Management', attribute: { key: 'ResourceName', value: 'account-499' }, startTime: new Date(now.getTime() - 60_000), endTime: now, limit: 50 }),
  );
  assert.equal(found.length, 1);
  // The replacement, caught up, goes to the background in turn.
  await until('the replacement runs under SCHED_IDLE once caught up', () => idleThreads() === 1);
});
