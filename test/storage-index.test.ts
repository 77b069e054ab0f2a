// The embedded store's Event history index: what the indexer derives in SQL must be exactly what
// lookupKeys (journal-index.ts) derives in TypeScript, which the unindexed tail and PostgreSQL use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { Lookups, SqliteStore } from '../src/storage/sqlite.ts';
import { indexFileOf, LONG_TAIL } from '../src/storage/sqlite-index.ts';
import { lookupKeys } from '../src/storage/journal-index.ts';
import { eventIdKey, newEventId } from '../src/audit/event-id.ts';
import type { JournalEntry, LookupQuery } from '../src/storage/store.ts';
import { tempDir } from './helpers/server.ts';
import { journalEntry } from './helpers/journal.ts';

const ENTRIES: JournalEntry[] = [
  journalEntry({ username: 'root', accessKeyId: 'AKIAROOT', resources: [{ type: 'AWS::Chime::Account', name: 'acct-1' }] }),
  journalEntry({ readOnly: true, eventName: 'GetAccount', username: 'alice', resources: [] }),
  // No username or access key (an AWS service's call), and empty ones.
  journalEntry({ username: undefined, accessKeyId: undefined, eventSource: 'sts.amazonaws.com' }),
  journalEntry({ username: '', accessKeyId: '' }),
  // Several resources, one type twice, a name equal to a type, a resource repeated.
  journalEntry({
    resources: [
      { type: 'AWS::Chime::Account', name: 'acct-2' },
      { type: 'AWS::Chime::User', name: 'user-1' },
      { type: 'AWS::Chime::User', name: 'AWS::Chime::User' },
      { type: 'AWS::Chime::Account', name: 'acct-2' },
    ],
  }),
  // Hostile and unusual strings are values like any other.
  journalEntry({ username: "o'brien\"; DROP TABLE lookup_keys; --", resources: [{ type: 'AWS::S3::Object', name: 'ünïcødé/😀/\u0000nul' }] }),
  // Other regions, categories and accounts are other keys.
  journalEntry({ region: 'eu-west-1', category: 'Insight', accountId: '210987654321', username: 'root' }),
  // Event ids of older journals (v4) and strings that are not UUIDs.
  journalEntry({ eventId: randomUUID() }),
  journalEntry({ eventId: 'not-a-uuid' }),
];

test('sqlite index: the rows the indexer derives in SQL are the keys lookupKeys derives, and each finds its event', async () => {
  const file = join(tempDir(), 'db.sqlite');
  const store = new SqliteStore(file);
  try {
    const seqs = await store.write(async (tx) => {
      const out: number[] = [];
      for (const e of ENTRIES) out.push(await tx.journal.append(e));
      return out;
    });
    await store.indexAll();
    const ix = new Database(indexFileOf(file), { readonly: true });
    try {
      const rows = ix
        .prepare('SELECT k.seq, l.account_id, l.region, l.category, l.attr, l.value FROM event_keys k JOIN lookup_keys l ON l.id = k.key_id ORDER BY k.seq, l.attr, l.value')
        .all() as { seq: number; account_id: string; region: string; category: string; attr: string; value: string }[];
      const expected = ENTRIES.flatMap((e, i) =>
        lookupKeys(e)
          .filter(([attr]) => attr !== 'EventId')
          .map(([attr, value]) => ({ seq: seqs[i], account_id: e.accountId, region: e.region, category: e.category, attr, value })),
      ).sort((a, b) => a.seq - b.seq || (a.attr < b.attr ? -1 : a.attr > b.attr ? 1 : 0) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      assert.deepEqual(rows, expected);
      const ids = ix.prepare('SELECT hash, seq FROM event_ids ORDER BY seq').all();
      assert.deepEqual(ids, ENTRIES.map((e, i) => ({ hash: eventIdKey(e.eventId), seq: seqs[i] })));
    } finally {
      ix.close();
    }
    // Through the index (the tail is empty now), every key of every entry finds it.
    for (const e of ENTRIES) {
      for (const [key, value] of lookupKeys(e).filter(([attr]) => attr !== '*')) {
        const found = await store.read((tx) =>
          tx.journal.lookup({ accountId: e.accountId, region: e.region, category: e.category, attribute: { key: key as never, value }, startTime: new Date(0), endTime: new Date('2100-01-01'), limit: 50 }),
        );
        assert.ok(found.some((f) => f.eventId === e.eventId), `${key}=${value} finds its event`);
        if (key === 'EventId') assert.equal(found.length, 1);
      }
    }
  } finally {
    await store.close();
  }
});

test('event ids are UUIDv7: made later, they sort later, and so does their index key', () => {
  const t = Date.parse('2026-11-24T04:00:00.000Z');
  const ids = [0, 1, 2, 1000, 86_400_000].map((d) => newEventId(t + d));
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(parseInt(ids[0].slice(0, 8) + ids[0].slice(9, 13), 16), t);
  assert.deepEqual([...ids].sort(), ids);
  const keys = ids.map(eventIdKey);
  for (let i = 1; i < keys.length; i++) assert.ok(keys[i] > keys[i - 1], 'index keys follow time');
  assert.ok(keys.every(Number.isSafeInteger));
  assert.notEqual(newEventId(t), newEventId(t), 'ids made in the same millisecond differ');
  assert.ok(Number.isSafeInteger(eventIdKey('not-a-uuid')) && Number.isSafeInteger(eventIdKey(randomUUID())));
});

test('sqlite index: an index file of an earlier layout is rebuilt from the journal when the store opens', async () => {
  const file = join(tempDir(), 'db.sqlite');
  let store = new SqliteStore(file);
  await store.write(async (tx) => {
    for (const e of ENTRIES) await tx.journal.append(e);
  });
  await store.indexAll();
  await store.close();
  // What an index of layout 3 holds for the same events: its lookup_keys had another unique key,
  // and its rows must not be trusted; emptied here so that only a rebuild finds the events again.
  const ix = new Database(indexFileOf(file));
  const current = ix.pragma('user_version', { simple: true }) as number;
  ix.exec('DELETE FROM event_keys; DELETE FROM event_ids; DELETE FROM lookup_keys');
  ix.pragma('user_version = 3');
  ix.close();
  assert.ok(current > 3);

  store = new SqliteStore(file);
  try {
    await store.indexAll();
    const reopened = new Database(indexFileOf(file), { readonly: true });
    try {
      assert.equal(reopened.pragma('user_version', { simple: true }), current);
      assert.equal((reopened.prepare('SELECT count(*) AS n FROM event_ids').get() as { n: number }).n, ENTRIES.length);
    } finally {
      reopened.close();
    }
    for (const e of ENTRIES) {
      const found = await store.read((tx) =>
        tx.journal.lookup({ accountId: e.accountId, region: e.region, category: e.category, attribute: { key: 'EventName', value: e.eventName }, startTime: new Date(0), endTime: new Date('2100-01-01'), limit: 50 }),
      );
      assert.ok(found.some((f) => f.eventId === e.eventId), `${e.eventId} found after the rebuild`);
    }
  } finally {
    await store.close();
  }
});

test('sqlite lookups answer from a tail the index does not hold yet, short or long (a rebuild), as they do from the index', async () => {
  const file = join(tempDir(), 'db.sqlite');
  const store = new SqliteStore(file);
  const base = Date.parse('2026-11-20T09:00:00Z');
  const filler = Array.from({ length: LONG_TAIL + 500 }, (_, i) =>
    journalEntry({
      // Ids made at their event's time, as journalEntry makes them (the test entries' are not).
      eventId: newEventId(base + i * 2000),
      eventTime: new Date(base + i * 2000),
      eventName: i % 3 ? 'GetAccount' : 'CreateAccount',
      readOnly: i % 3 !== 0,
      username: i % 2 ? 'alice' : 'root',
      accessKeyId: i % 2 ? 'AKIAALICE' : '',
      resources: i % 5 ? [{ type: 'AWS::Chime::Account', name: `acct-${i % 50}` }] : [],
    }),
  );
  // The test entries among the filler, a few out of time order.
  const all = [...filler];
  ENTRIES.forEach((e, i) => all.splice(300 * (i + 1), 0, e));
  await store.write(async (tx) => {
    for (const e of all) await tx.journal.append(e);
  });
  await store.close();

  const span = { accountId: '123456789012', region: 'us-east-1', category: 'Management' as const, startTime: new Date(0), endTime: new Date('2100-01-01'), limit: 50 };
  const queries: LookupQuery[] = [
    span,
    { ...span, startTime: new Date(base + 600_000), endTime: new Date(base + 1_200_000) },
    ...ENTRIES.flatMap((e) => lookupKeys(e).filter(([key]) => key !== '*').map(([key, value]) => ({ ...span, accountId: e.accountId, region: e.region, category: e.category, attribute: { key: key as never, value } }))),
    ...[['EventName', 'CreateAccount'], ['ReadOnly', 'false'], ['Username', 'alice'], ['AccessKeyId', 'AKIAALICE'], ['ResourceName', 'acct-7'], ['ResourceType', 'AWS::Chime::Account']].map(([key, value]) => ({ ...span, attribute: { key: key as never, value } })),
    ...[filler[10], filler[LONG_TAIL + 400]].map((e) => ({ ...span, attribute: { key: 'EventId' as const, value: e.eventId } })),
    // A time range that leaves out the day around the id's time, and ids no event has.
    { ...span, endTime: new Date(base + 3000_000), attribute: { key: 'EventId', value: filler[LONG_TAIL + 400].eventId } },
    { ...span, attribute: { key: 'EventId', value: newEventId(base + 4000) } },
    { ...span, attribute: { key: 'Username', value: '' } },
  ];
  const db = new Database(file, { readonly: true });
  db.prepare('ATTACH DATABASE ? AS ix').run(indexFileOf(file));
  const lookups = new Lookups(db);
  // Each query's first page, and its next page after the first page's last event.
  const answers = () =>
    queries.map((q) => {
      const first = lookups.run(q);
      const last = first.at(-1);
      const next = last ? lookups.run({ ...q, before: { eventTime: last.eventTime.getTime() / 1000, seq: last.seq } }) : [];
      return [first.map((e) => e.eventId), next.map((e) => e.eventId)];
    });
  try {
    const fromIndex = answers();
    assert.equal(fromIndex[0][0].length, 50);
    // Every query finds events, but the last three.
    assert.deepEqual(
      fromIndex.map(([first]) => first.length > 0),
      queries.map((_, i) => i < queries.length - 3),
    );
    const ix = new Database(indexFileOf(file));
    const last = all.length;
    for (const indexedUpTo of [last - 100, last - LONG_TAIL - 1, 0]) {
      ix.transaction(() => {
        ix.prepare('DELETE FROM event_keys WHERE seq > ?').run(indexedUpTo);
        ix.prepare('DELETE FROM event_ids WHERE seq > ?').run(indexedUpTo);
        ix.prepare("UPDATE index_state SET value = ? WHERE name = 'indexed_seq'").run(indexedUpTo);
      })();
      assert.deepEqual(answers(), fromIndex, `index up to ${indexedUpTo} of ${last}`);
    }
    ix.close();
  } finally {
    db.close();
  }
});

test("the embedded store's SQL binds no LIMIT that SQLite would plan with", () => {
  // SQLite prepares a statement again each time a LIMIT it planned with is bound (sqlite-limit.ts):
  // in the embedded store, LIMITs are bound through limitTo().
  const dir = join(import.meta.dirname, '..', 'src', 'storage');
  const files = readdirSync(dir).filter((f) => f.startsWith('sqlite'));
  assert.ok(files.length >= 3);
  for (const file of files) assert.doesNotMatch(readFileSync(join(dir, file), 'utf8'), /\bLIMIT\s+[?@:$]/, file);
});
