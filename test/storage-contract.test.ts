// The same contract for every Store: handlers must not be able to tell SQLite from PostgreSQL.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SqliteStore } from '../src/storage/sqlite.ts';
import { indexFileOf } from '../src/storage/sqlite-index.ts';
import { PostgresStore } from '../src/storage/postgres.ts';
import type { JournalEntry, LookupAttributeKey, Store, StoredEvent } from '../src/storage/store.ts';
import { tempDir } from './helpers/server.ts';
import { createTestDatabase } from './helpers/postgres.ts';
import { journalEntry } from './helpers/journal.ts';

/** With a principal and a resource, and an id that is not UUIDv7 (events may carry any id). */
function entry(over: Partial<JournalEntry> = {}): JournalEntry {
  return journalEntry({ eventId: randomUUID(), username: 'root', accessKeyId: 'AKIAEXAMPLE', resources: [{ type: 'AWS::Chime::Account', name: 'acct-1' }], ...over });
}

/** Events of the test account found by one attribute, at any time. */
function lookupBy(store: Store, key: LookupAttributeKey, value: string): Promise<StoredEvent[]> {
  return store.read((tx) =>
    tx.journal.lookup({ accountId: '123456789012', region: 'us-east-1', category: 'Management', attribute: { key, value }, startTime: new Date(0), endTime: new Date('2100-01-01'), limit: 10 }),
  );
}

interface Backend {
  store: Store;
  /** Rows of Event history's index whose event is no longer in the journal. */
  orphanIndexRows(): Promise<number>;
  cleanup(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'sqlite',
    async () => {
      const file = join(tempDir(), 'db.sqlite');
      const store = new SqliteStore(file);
      const orphanIndexRows = async () => {
        await store.indexAll();
        const db = new Database(indexFileOf(file), { readonly: true });
        try {
          db.prepare('ATTACH DATABASE ? AS j').run(file);
          const gone = (t: string) => `SELECT count(*) FROM ${t} WHERE NOT EXISTS (SELECT 1 FROM j.events e WHERE e.seq = ${t}.seq)`;
          return (db.prepare(gone('event_keys')).pluck().get() as number) + (db.prepare(gone('event_ids')).pluck().get() as number);
        } finally {
          db.close();
        }
      };
      return { store, orphanIndexRows, cleanup: async () => undefined };
    },
  ],
  [
    'postgres',
    async () => {
      const db = await createTestDatabase();
      const store = await PostgresStore.open(db.url);
      const orphanIndexRows = async () => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        try {
          const r = await c.query('SELECT count(*)::int AS n FROM event_keys k WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.seq = k.seq)');
          return r.rows[0].n as number;
        } finally {
          await c.end();
        }
      };
      return { store, orphanIndexRows, cleanup: () => db.drop() };
    },
  ],
];

for (const [name, open] of backends) {
  describe(`${name} store`, () => {
    let store: Store;
    let orphanIndexRows: () => Promise<number>;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, orphanIndexRows, cleanup } = await open()));
    after(async () => {
      await store.close();
      await cleanup();
    });

    test('documents: put, get, replace, index lookup, list in insertion order, delete, count', async () => {
      const key = (id: string) => ({ collection: 'c', partition: 'p', id });
      await store.write(async (tx) => {
        for (const id of ['a', 'b', 'c', 'd', 'e']) await tx.docs.put(key(id), { id, v: 1 }, id === 'c' ? 'needle' : null);
      });
      await store.write((tx) => tx.docs.put(key('a'), { id: 'a', v: 2 }));
      assert.deepEqual(await store.read((tx) => tx.docs.get(key('a'))), { id: 'a', v: 2 });
      assert.deepEqual(await store.read((tx) => tx.docs.findByIndex('c', 'needle')), [{ id: 'c', v: 1 }]);
      assert.deepEqual(await store.read((tx) => tx.docs.findByIndex('c', 'needle', 'other')), []);
      const first = await store.read((tx) => tx.docs.list<{ id: string }>('c', 'p', { limit: 2 }));
      assert.deepEqual(first.items.map((d) => d.id), ['a', 'b'], 'a replaced document keeps its place');
      const second = await store.read((tx) => tx.docs.list<{ id: string }>('c', 'p', { limit: 10, after: first.next }));
      assert.deepEqual(second.items.map((d) => d.id), ['c', 'd', 'e']);
      assert.equal(second.next, undefined);
      assert.equal(await store.write((tx) => tx.docs.delete(key('b'))), true);
      assert.equal(await store.write((tx) => tx.docs.delete(key('b'))), false);
      assert.equal(await store.read((tx) => tx.docs.count('c', 'p')), 4);
    });

    test('text with NUL characters (U+0000), as a client may send in any name or id: stored, found, listed and looked up', async () => {
      const key = { collection: 'nul\0c', partition: 'p\0', id: 'a\0b' };
      await store.write((tx) => tx.docs.put(key, { name: 'a\0b' }, 'needle\0'));
      assert.deepEqual(await store.read((tx) => tx.docs.get(key)), { name: 'a\0b' });
      assert.equal(await store.read((tx) => tx.docs.get({ ...key, id: 'a' })), undefined);
      assert.deepEqual(await store.read((tx) => tx.docs.findByIndex('nul\0c', 'needle\0', 'p\0')), [{ name: 'a\0b' }]);
      assert.deepEqual((await store.read((tx) => tx.docs.list('nul\0c', 'p\0', { limit: 5 }))).items, [{ name: 'a\0b' }]);
      assert.equal(await store.read((tx) => tx.docs.count('nul\0c', 'p\0')), 1);
      const named = entry({ eventName: 'NulNamed', username: 'u\0', resources: [{ type: 'AWS::Chime::Room', name: 'room\0x' }] });
      await store.write((tx) => tx.journal.append(named));
      await store.append(entry({ eventName: 'NulRead', resources: [{ type: 'AWS::Chime::Room', name: 'room\0x' }] }));
      assert.deepEqual((await lookupBy(store, 'ResourceName', 'room\0x')).map((e) => e.eventName), ['NulRead', 'NulNamed']);
      assert.deepEqual((await lookupBy(store, 'Username', 'u\0')).map((e) => e.eventName), ['NulNamed']);
      assert.deepEqual((await lookupBy(store, 'ResourceName', 'room')).map((e) => e.eventName), []);
      assert.equal(await store.write((tx) => tx.docs.delete(key)), true);
    });

    test('resource names of kilobytes, as a client may send: recorded and found by their whole name', async () => {
      // Random text (incompressible), and 1,500 four-byte characters: each longer than PostgreSQL's b-tree rows.
      const long = [randomBytes(3000).toString('base64'), '😀'.repeat(1500)];
      for (const name of long) await store.append(entry({ eventName: 'LongNamed', resources: [{ type: 'AWS::Chime::Room', name }] }));
      for (const name of long) {
        const found = await lookupBy(store, 'ResourceName', name);
        assert.deepEqual(found.map((e) => [e.eventName, e.resources[0].name]), [['LongNamed', name]]);
      }
    });

    test('documents named with kilobytes of text, as a client may name one: stored, read, found, listed, counted and deleted', async () => {
      // Random text (incompressible) and four-byte characters, each longer than PostgreSQL's b-tree rows.
      const [partition, id, index] = [randomBytes(3000).toString('base64'), '😀'.repeat(1500), randomBytes(4000).toString('base64')];
      const key = { collection: 'long', partition, id };
      await store.write((tx) => tx.docs.put(key, { id }, index));
      await store.write((tx) => tx.docs.put({ ...key, id: id.slice(0, -2) }, { id: 'other' }));
      assert.deepEqual(await store.read((tx) => tx.docs.get(key)), { id });
      assert.deepEqual(await store.read((tx) => tx.docs.findByIndex('long', index, partition)), [{ id }]);
      assert.deepEqual(await store.read((tx) => tx.docs.findByIndex('long', index)), [{ id }]);
      assert.deepEqual((await store.read((tx) => tx.docs.list('long', partition, { limit: 5 }))).items, [{ id }, { id: 'other' }]);
      assert.equal(await store.read((tx) => tx.docs.count('long', partition)), 2);
      assert.equal(await store.write((tx) => tx.docs.delete(key)), true);
      assert.equal(await store.read((tx) => tx.docs.get(key)), undefined);
    });

    test('a failed write transaction leaves nothing behind, journal included', async () => {
      const key = { collection: 'atomic', partition: 'p', id: 'x' };
      await assert.rejects(
        store.write(async (tx) => {
          await tx.docs.put(key, { changed: true });
          await tx.journal.append(entry({ eventName: 'RolledBack' }));
          throw new Error('handler failed');
        }),
        /handler failed/,
      );
      assert.equal(await store.read((tx) => tx.docs.get(key)), undefined);
      assert.equal((await lookupBy(store, 'EventName', 'RolledBack')).length, 0);
    });

    test('writes made together: each commits with its own records, a failed one without them, and append tells the sequence number each record is read back under', async () => {
      const name = (n: string) => `Together${n}-${randomUUID()}`;
      const names = { first: name('First'), failed: name('Failed'), own: name('Own'), last: name('Last') };
      const before = await store.read((tx) => tx.journal.lastSeq());
      // Asked in one turn of the event loop: the embedded store runs them in one transaction.
      let seen: { own: number; last: number; after: number[] } | undefined;
      const writes = [
        store.write(async (tx) => [await tx.journal.append(entry({ eventName: names.first })), await tx.journal.append(entry({ eventName: names.first }))]),
        store.write(async (tx) => {
          await tx.journal.append(entry({ eventName: names.failed }));
          throw new Error('handler failed');
        }),
        store.write(async (tx) => [await tx.journal.append(entry({ eventName: names.last }))]),
        // A write reads the journal with its own records in it, and they still go if it fails.
        store.write(async (tx) => {
          const own = await tx.journal.append(entry({ eventName: names.own }));
          seen = { own, last: await tx.journal.lastSeq(), after: (await tx.journal.readAfter(own - 1, 10)).map((e) => e.seq) };
          throw new Error('failed after reading');
        }),
      ];
      const [first, failed, last, own] = await Promise.allSettled(writes);
      assert.equal(failed.status, 'rejected');
      assert.equal(own.status, 'rejected');
      assert.ok(first.status === 'fulfilled' && last.status === 'fulfilled');
      assert.ok(seen, 'the failing write ran');
      assert.equal(seen.last, seen.own);
      assert.deepEqual(seen.after, [seen.own]);
      const events = await store.read((tx) => tx.journal.readAfter(before, 100));
      assert.deepEqual(
        events.map((e) => [e.seq, e.eventName]),
        [...first.value.map((seq) => [seq, names.first]), ...last.value.map((seq) => [seq, names.last])],
      );
      assert.equal(await store.read((tx) => tx.journal.lastSeq()), last.value[0]);
    });

    test('append: a record alone commits with the writes made together with it, also when one of them fails, and resolves with its sequence number', async () => {
      const name = (n: string) => `Alone${n}-${randomUUID()}`;
      const names = { first: name('First'), failed: name('Failed'), written: name('Written'), last: name('Last') };
      const key = { collection: 'c', partition: 'p', id: randomUUID() };
      const before = await store.read((tx) => tx.journal.lastSeq());
      // Asked in one turn of the event loop: the embedded store runs them in one transaction.
      const [first, failed, written, last] = await Promise.allSettled([
        store.append(entry({ eventName: names.first })),
        store.write(async (tx) => {
          await tx.docs.put(key, { changed: true });
          await tx.journal.append(entry({ eventName: names.failed }));
          throw new Error('handler failed');
        }),
        store.write((tx) => tx.journal.append(entry({ eventName: names.written }))),
        store.append(entry({ eventName: names.last })),
      ]);
      assert.equal(failed.status, 'rejected');
      assert.ok(first.status === 'fulfilled' && written.status === 'fulfilled' && last.status === 'fulfilled');
      const events = await store.read((tx) => tx.journal.readAfter(before, 100));
      assert.deepEqual(
        events.map((e) => [e.seq, e.eventName]),
        [
          [first.value, names.first],
          [written.value, names.written],
          [last.value, names.last],
        ],
      );
      assert.equal(await store.read((tx) => tx.docs.get(key)), undefined);
    });

    test('journal lookup: every attribute, time range, newest first, paging, purge', async () => {
      const base = Date.parse('2026-11-21T00:00:00Z');
      const entries = Array.from({ length: 30 }, (_, i) =>
        entry({
          eventTime: new Date(base + Math.floor(i / 2) * 1000),
          eventName: i % 3 === 0 ? 'GetAccount' : 'InviteUsers',
          readOnly: i % 3 === 0,
          username: i % 2 ? 'alice' : 'root',
          accessKeyId: i % 2 ? 'AKIAALICE' : 'AKIAROOT',
          region: i === 29 ? 'eu-west-1' : 'us-east-1',
          resources: [{ type: 'AWS::Chime::User', name: `user-${i}` }],
        }),
      );
      await store.write(async (tx) => {
        for (const e of entries) await tx.journal.append(e);
      });
      const q = {
        accountId: '123456789012',
        region: 'us-east-1',
        category: 'Management' as const,
        startTime: new Date(base),
        endTime: new Date(base + 3600_000),
      };
      const all = await store.read((tx) => tx.journal.lookup({ ...q, limit: 100 }));
      assert.equal(all.length, 29, 'the eu-west-1 event is not in us-east-1 history');
      for (let i = 1; i < all.length; i++) {
        const a = all[i - 1];
        const b = all[i];
        assert.ok(a.eventTime > b.eventTime || (a.eventTime.getTime() === b.eventTime.getTime() && a.seq > b.seq), 'newest first');
      }
      const count = async (key: string, value: string) =>
        (await store.read((tx) => tx.journal.lookup({ ...q, attribute: { key: key as never, value }, limit: 100 }))).length;
      assert.equal(await count('EventName', 'GetAccount'), 10);
      assert.equal(await count('ReadOnly', 'true'), 10);
      assert.equal(await count('ReadOnly', 'false'), 19);
      assert.equal(await count('Username', 'alice'), 14);
      assert.equal(await count('AccessKeyId', 'AKIAROOT'), 15);
      assert.equal(await count('EventSource', 'chime.amazonaws.com'), 29);
      assert.equal(await count('ResourceType', 'AWS::Chime::User'), 29);
      assert.equal(await count('ResourceName', 'user-4'), 1);
      assert.equal(await count('EventId', entries[7].eventId), 1);
      const ranged = await store.read((tx) => tx.journal.lookup({ ...q, startTime: new Date(base + 2000), endTime: new Date(base + 4000), limit: 100 }));
      assert.equal(ranged.length, 6, 'start and end are inclusive');
      // Paging with the position of the last event seen returns each event exactly once.
      const seen: string[] = [];
      let before: { eventTime: number; seq: number } | undefined;
      for (;;) {
        const page = await store.read((tx) => tx.journal.lookup({ ...q, limit: 4, before }));
        seen.push(...page.map((e) => e.eventId));
        if (page.length < 4) break;
        const last = page[page.length - 1];
        before = { eventTime: last.eventTime.getTime() / 1000, seq: last.seq };
      }
      assert.equal(seen.length, 29);
      assert.equal(new Set(seen).size, 29);
      const purged = await store.write((tx) => tx.journal.purge(new Date(base + 5000)));
      assert.ok(purged >= 10);
      assert.equal(await count('ResourceName', 'user-4'), 0, 'index rows go with their event');
    });

    test('a document read, then changed, deleted or created, reads back as it now is', async () => {
      const key = (id: string) => ({ collection: 'reread', partition: 'p', id });
      const get = (id: string) => store.read((tx) => tx.docs.get(key(id)));
      await store.write((tx) => tx.docs.put(key('a'), { v: 1 }));
      await store.write((tx) => tx.docs.put(key('b'), { v: 1 }));
      assert.deepEqual(await get('a'), { v: 1 });
      assert.deepEqual(await get('b'), { v: 1 });
      assert.equal(await get('c'), undefined);
      // Read again as soon as the write is answered, before anything else happens.
      assert.deepEqual(await store.write((tx) => tx.docs.put(key('a'), { v: 2 })).then(() => get('a')), { v: 2 });
      assert.equal(await store.write((tx) => tx.docs.delete(key('b'))).then(() => get('b')), undefined);
      assert.deepEqual(await store.write((tx) => tx.docs.put(key('c'), { v: 1 })).then(() => get('c')), { v: 1 });
      // A write that fails changes nothing, also for readers.
      await assert.rejects(
        store.write(async (tx) => {
          await tx.docs.put(key('a'), { v: 3 });
          throw new Error('refused');
        }),
      );
      assert.deepEqual(await get('a'), { v: 2 });
    });

    test('a purge of every event leaves the journal going: events recorded after it are found', async () => {
      const accountId = '210987654321';
      const old = new Date('2026-01-01T00:00:00Z');
      await store.write(async (tx) => {
        for (let i = 0; i < 3; i++) await tx.journal.append(entry({ accountId, eventTime: old }));
      });
      // Indexed before the purge, as a long-running journal would be.
      await (store as { indexAll?: () => Promise<void> }).indexAll?.();
      await store.write((tx) => tx.journal.purge(new Date('2100-01-01T00:00:00Z')));
      const fresh = entry({ accountId, eventTime: new Date() });
      await store.write((tx) => tx.journal.append(fresh));
      await (store as { indexAll?: () => Promise<void> }).indexAll?.();
      const lookup = (attribute?: { key: 'EventId'; value: string }) =>
        store.read((tx) =>
          tx.journal.lookup({ accountId, region: 'us-east-1', category: 'Management', attribute, startTime: new Date(Date.now() - 3600_000), endTime: new Date(Date.now() + 3600_000), limit: 10 }),
        );
      assert.deepEqual((await lookup()).map((e) => e.eventId), [fresh.eventId]);
      assert.deepEqual((await lookup({ key: 'EventId', value: fresh.eventId })).map((e) => e.eventId), [fresh.eventId]);
    });

    test('a purge with a limit deletes that many expired events, the oldest first, and their index rows', async () => {
      const accountId = '345678901234';
      const base = Date.parse('2026-03-01T00:00:00Z');
      const old = Array.from({ length: 10 }, (_, i) => entry({ accountId, eventTime: new Date(base + i * 1000), resources: [{ type: 'AWS::Chime::User', name: `purged-${i}` }] }));
      const recent = entry({ accountId, eventTime: new Date(base + 3600_000) });
      // Appended newest first: the oldest are the last sequence numbers, so "oldest" means by time.
      await store.write(async (tx) => {
        for (const e of [...old].reverse()) await tx.journal.append(e);
        await tx.journal.append(recent);
      });
      // Events of the tests before, older than these, would be purged first.
      await store.write((tx) => tx.journal.purge(new Date(base)));
      await (store as { indexAll?: () => Promise<void> }).indexAll?.();
      const left = async () =>
        (
          await store.read((tx) =>
            tx.journal.lookup({ accountId, region: 'us-east-1', category: 'Management', startTime: new Date(0), endTime: new Date('2100-01-01'), limit: 100 }),
          )
        ).map((e) => e.eventId);
      const cutoff = new Date(base + 1800_000);
      assert.equal(await store.write((tx) => tx.journal.purge(cutoff, undefined, 4)), 4);
      assert.deepEqual(await left(), [recent, ...old.slice(4).reverse()].map((e) => e.eventId));
      assert.equal(await orphanIndexRows(), 0, 'the index rows of purged events are deleted');
      assert.equal(await store.write((tx) => tx.journal.purge(cutoff, undefined, 100)), 6);
      assert.deepEqual(await left(), [recent.eventId]);
      assert.equal(await orphanIndexRows(), 0);
    });
  });
}

test('sqlite store: documents written by another connection (another process on the data dir) are read as they now are', async () => {
  const file = join(tempDir(), 'db.sqlite');
  const server = new SqliteStore(file);
  const cli = new SqliteStore(file);
  try {
    const key = { collection: 'keys', partition: 'global', id: 'AKIAEXAMPLE' };
    const get = () => server.read((tx) => tx.docs.get(key));
    await server.write((tx) => tx.docs.put(key, { status: 'Active' }));
    assert.deepEqual(await get(), { status: 'Active' });
    await cli.write((tx) => tx.docs.put(key, { status: 'Inactive' }));
    assert.deepEqual(await get(), { status: 'Inactive' });
    await cli.write((tx) => tx.docs.delete(key));
    assert.equal(await get(), undefined);
    // Also when the read happens while the server's own write transaction is open.
    await cli.write((tx) => tx.docs.put(key, { status: 'Active' }));
    assert.deepEqual(await server.write(() => get()), { status: 'Active' });
  } finally {
    await cli.close();
    await server.close();
  }
});

test('sqlite store: closes even when its index worker could not start (its data dir removed)', { timeout: 20_000 }, async () => {
  const dir = tempDir();
  const logged: string[] = [];
  const store = new SqliteStore(join(dir, 'db.sqlite'), (m) => logged.push(m));
  rmSync(dir, { recursive: true, force: true });
  while (!logged.some((m) => m.includes('directory does not exist'))) await new Promise((r) => setTimeout(r, 50));
  await store.close();
  await assert.rejects(store.indexAll(), /not running/);
});

test('sqlite store: a journal row its index worker cannot read is retried ever less often, and the store still closes', { timeout: 20_000 }, async () => {
  const file = join(tempDir(), 'db.sqlite');
  const logged: string[] = [];
  const store = new SqliteStore(file, (m) => logged.push(m));
  await store.write((tx) => tx.journal.append(entry()));
  await store.indexAll();
  // A row the indexer cannot read (resources that are not JSON, written by something else than
  // the store), after the indexed one: every indexing step fails on it, the last one at close too.
  const other = new Database(file);
  try {
    other
      .prepare(
        "INSERT INTO events SELECT seq + 1, account_id, region, category, event_time, event_id, event_name, event_source, username, access_key_id, read_only, 'not json', record FROM events WHERE seq = (SELECT max(seq) FROM events)",
      )
      .run();
  } finally {
    other.close();
  }
  // Retried after 0.1, 0.2, 0.4, 0.8 and 1.6 s: five failures in 2.5 s, not one per 0.1 s poll.
  await new Promise((r) => setTimeout(r, 2500));
  const failures = logged.filter((m) => /indexing failed: .*malformed JSON/.test(m)).length;
  assert.ok(failures >= 1 && failures <= 8, `${failures} failures logged`);
  const closed = await Promise.race([store.close().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 15_000).unref())]);
  // A worker left running keeps this file's process alive: end it, failed, rather than hang.
  if (!closed) setTimeout(() => process.exit(1), 1000);
  assert.ok(closed, 'the store did not close');
  assert.ok(logged.some((m) => /close failed: .*malformed JSON/.test(m)), logged.join('\n'));
});

test('sqlite store: writes made together whose records cannot all be inserted all fail, and none of their changes commits without its record', async () => {
  const store = new SqliteStore(join(tempDir(), 'db.sqlite'));
  try {
    const key = (id: string) => ({ collection: 'c', partition: 'p', id });
    const change = (id: string, e: JournalEntry) =>
      store.write(async (tx) => {
        await tx.docs.put(key(id), { id });
        return tx.journal.append(e);
      });
    // The embedded store inserts a write's records once its savepoint is released: a record
    // refused then (here a missing event name) can no longer be undone alone.
    const results = await Promise.allSettled([change('a', entry()), change('b', entry({ eventName: undefined as unknown as string })), change('c', entry())]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected', 'fulfilled'],
    );
    const docs = await store.read(async (tx) => [await tx.docs.get(key('a')), await tx.docs.get(key('b')), await tx.docs.get(key('c'))]);
    assert.deepEqual(docs, [undefined, undefined, { id: 'c' }]);
    const events = await store.read((tx) => tx.journal.readAfter(0, 10));
    assert.deepEqual(
      events.map((e) => e.seq),
      [(results[2] as PromiseFulfilledResult<number>).value],
    );
  } finally {
    await store.close();
  }
});
