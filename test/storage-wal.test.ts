// The embedded store's WAL under steady writes: the indexer thread copies it into the database
// file, and SQLite starts it over only when a write begins with every frame copied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/storage/sqlite.ts';
import { tempDir } from './helpers/server.ts';

/** The WAL header's first salt: SQLite adds one each time it starts the WAL over. */
const walRestarts = (file: string) => readFileSync(`${file}-wal`).readUInt32BE(16);

test('sqlite: frames committed while the indexer copied the WAL are copied by the writer, so that its next write starts the WAL over', async (t) => {
  const file = join(tempDir(), 'opentrail.db');
  const store = new SqliteStore(file, () => {});
  t.after(() => store.close());
  const put = (id: string) => store.write((tx) => tx.docs.put({ collection: 'test', partition: 'p', id }, { id }));
  await put('a');
  // A flush ends with the indexer's copy of the WAL.
  await store.indexAll();
  // A commit the indexer's copy missed: under load, the calls committed while it copied; here,
  // another connection's (an `opentrail account` command on the same data dir).
  const other = new Database(file);
  other.prepare("INSERT INTO docs (collection, partition, id, body) VALUES ('test', 'p', 'other', '{}')").run();
  other.close();
  const before = walRestarts(file);
  await put('b');
  assert.equal(walRestarts(file), before, 'the WAL is not started over while a frame is left to copy');
  await put('c');
  assert.equal(walRestarts(file), before + 1, 'the write after the writer copied the rest starts the WAL over');
  const docs = await store.read((tx) => tx.docs.list('test', 'p', { limit: 10 }));
  assert.deepEqual(
    docs.items.map((d) => (d as { id?: string }).id ?? 'other'),
    ['a', 'other', 'b', 'c'],
  );
});
