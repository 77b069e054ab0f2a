// Retention of Event history: events older than OPENTRAIL_RETENTION_DAYS are never returned by
// LookupEvents, whatever StartTime asks for, and are purged from the journal (at start, hourly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { journalEntry } from '../src/audit/record.ts';
import { RetentionJob } from '../src/audit/retention.ts';
import type { Store } from '../src/storage/store.ts';
import { ACCOUNT_ID, ROOT, startServer, tempDir } from './helpers/server.ts';
import { lookupAll } from './helpers/records.ts';

const DAY = 86400_000;
const ENV = { OPENTRAIL_RETENTION_DAYS: '2' };

/** Appends a CreateAccount record of the given age straight to the journal; returns its eventID. */
async function appendAged(store: Store, ageMs: number, name: string): Promise<string> {
  const entry = journalEntry({
    principal: { type: 'Root', accountId: ACCOUNT_ID, accessKeyId: ROOT.accessKeyId },
    eventSource: 'chime.amazonaws.com',
    eventName: 'CreateAccount',
    awsRegion: 'us-east-1',
    recipientAccountId: ACCOUNT_ID,
    eventTime: new Date(Date.now() - ageMs),
    sourceIPAddress: '127.0.0.1',
    readOnly: false,
    requestParameters: { name },
    responseElements: null,
    requestId: randomUUID(),
  });
  await store.write((tx) => tx.journal.append(entry));
  return entry.eventId;
}

const allStored = (store: Store) =>
  store.read((tx) =>
    tx.journal.lookup({ accountId: ACCOUNT_ID, region: 'us-east-1', category: 'Management', startTime: new Date(0), endTime: new Date(Date.now() + DAY), limit: 1000 }),
  );

test('events older than the retention period are never returned, whatever the query', async (t) => {
  const s = await startServer({ env: ENV });
  t.after(() => s.close());
  const store = s.server.context.store;
  const old = await appendAged(store, 3 * DAY, 'three-days-old');
  const edge = await appendAged(store, 2 * DAY - 60_000, 'just-inside');
  const recent = await appendAged(store, DAY, 'one-day-old');
  const ct = s.cloudtrail();
  const ids = async (input = {}) => (await lookupAll(ct, input)).map((e) => e.EventId).filter((id) => [old, edge, recent].includes(id!));

  assert.deepEqual(await ids(), [recent, edge]);
  assert.deepEqual(await ids({ StartTime: new Date(Date.now() - 10 * DAY) }), [recent, edge]);
  assert.deepEqual(await ids({ StartTime: new Date(Date.now() - 10 * DAY), EndTime: new Date(Date.now() - 2.5 * DAY) }), []);
  assert.deepEqual(await ids({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: old }] }), []);
  assert.deepEqual(await ids({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }], StartTime: new Date(0) }), [recent, edge]);
  // The journal still holds the old event until the purge runs.
  assert.ok((await allStored(store)).some((e) => e.eventId === old));

  const purged = await new RetentionJob(store, 2).runOnce();
  assert.equal(purged, 1);
  const left = (await allStored(store)).map((e) => e.eventId);
  assert.ok(!left.includes(old));
  assert.ok(left.includes(edge) && left.includes(recent));
  // The index went with it: nothing finds the purged event any more.
  const byId = await store.read((tx) =>
    tx.journal.lookup({
      accountId: ACCOUNT_ID,
      region: 'us-east-1',
      category: 'Management',
      attribute: { key: 'EventId', value: old },
      startTime: new Date(0),
      endTime: new Date(Date.now() + DAY),
      limit: 10,
    }),
  );
  assert.deepEqual(byId, []);
});

test('the purge runs when the server starts', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await startServer({ dataDir: dir, env: ENV });
  const old = await appendAged(first.server.context.store, 5 * DAY, 'old');
  const kept = await appendAged(first.server.context.store, DAY, 'kept');
  await first.close();

  const second = await startServer({ dataDir: dir, env: ENV });
  t.after(() => second.close());
  // Writes run in order: once a later call has committed, the purge queued at start has too.
  await second.chime().send(new CreateAccountCommand({ Name: 'after-restart' }));
  const left = (await allStored(second.server.context.store)).map((e) => e.eventId);
  assert.ok(!left.includes(old), 'the old event was purged at start');
  assert.ok(left.includes(kept));
});

test('a purge runs in batches, each its own write: a write made meanwhile does not wait for the whole purge', async (t) => {
  const s = await startServer({ env: ENV });
  t.after(() => s.close());
  const store = s.server.context.store;
  const old = new Set<string>();
  for (let i = 0; i < 50; i++) old.add(await appendAged(store, 3 * DAY, `old-${i}`));
  // The journal's newest event is never purged (its sequence number would be given again).
  await appendAged(store, 0, 'now');
  const oldLeft = async () => (await allStored(store)).filter((e) => old.has(e.eventId)).length;

  const purge = new RetentionJob(store, 2, undefined, 10).runOnce();
  await store.write((tx) => tx.docs.put({ collection: 'retention-test', partition: 'p', id: 'x' }, {}));
  // One purge of everything would have run before this write, or after it with nothing deleted yet.
  const atWrite = await oldLeft();
  assert.ok(atWrite > 0 && atWrite < 50, `${atWrite} old events left when the write was answered`);
  assert.equal(await purge, 50);
  assert.equal(await oldLeft(), 0);
});
