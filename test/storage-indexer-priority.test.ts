// The embedded store's indexer thread yields the CPUs to the API's calls once it has caught up
// (Linux SCHED_IDLE), and is replaced by one at normal priority when it falls behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStore } from '../src/storage/sqlite.ts';
import { tempDir } from './helpers/server.ts';
import { journalEntry } from './helpers/journal.ts';

/** This process's threads under SCHED_IDLE (policy 5, the 41st field of /proc's stat). */
function idleThreads(): string[] {
  return readdirSync('/proc/self/task').filter((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[38] === '5';
    } catch {
      return false; // the thread ended meanwhile
    }
  });
}

/** Waits (a bound for a loaded machine, not a measure) for the one SCHED_IDLE thread to be one `ok` accepts. */
async function idleThread(what: string, ok: (tid: string) => boolean = () => true): Promise<string> {
  const found = () => {
    const idle = idleThreads();
    return idle.length === 1 && ok(idle[0]) ? idle[0] : undefined;
  };
  for (let i = 0; i < 1200 && !found(); i++) await sleep(25);
  const tid = found();
  assert.ok(tid, `${what}: SCHED_IDLE threads ${JSON.stringify(idleThreads())}`);
  return tid;
}

test('sqlite indexer: caught up, it runs in the background; far behind, it is replaced by one at normal priority, and who waited is answered', async (t) => {
  const logged: string[] = [];
  const store = new SqliteStore(join(tempDir(), 'opentrail.db'), (m) => logged.push(m), { indexLagLimit: 50 });
  t.after(() => store.close());
  await store.indexAll();
  const first = await idleThread('the caught-up indexer runs in the background');

  // 500 events at once: the background indexer finds itself 500 behind, over the limit of 50.
  await store.write(async (tx) => {
    for (let i = 0; i < 500; i++) await tx.journal.append(journalEntry({ eventTime: new Date(), resources: [{ type: 'AWS::Chime::Account', name: `account-${i}` }] }));
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
  // The replacement, a new thread, goes to the background in turn once caught up.
  await idleThread('the replacement runs in the background once caught up', (tid) => tid !== first);
});
