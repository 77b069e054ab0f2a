// The embedded store's WAL under steady writes: the indexer thread copies it into the database
// file, and SQLite starts it over only when a write begins with every frame copied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/storage/sqlite.ts';
import { tempDir } from './helpers/server.ts';

/** From the WAL's shared-memory index (native byte order): its frames, and how many are copied into the database file. */
function walIndex(file: string): { frames: number; copied: number } {
  const shm = readFileSync(`${file}-shm`);
  const u32 = (offset: number) => (endianness() === 'LE' ? shm.readUInt32LE(offset) : shm.readUInt32BE(offset));
  return { frames: u32(16), copied: u32(96) };
}

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

test('sqlite: a write does not copy a WAL of 12,000 frames on the main thread; that is left to the indexer thread', async (t) => {
  const file = join(tempDir(), 'opentrail.db');
  const store = new SqliteStore(file, () => {});
  t.after(() => store.close());
  const put = (id: string, doc: object = { id }) => store.write((tx) => tx.docs.put({ collection: 'test', partition: 'p', id }, doc));
  await put('first');
  // A reader on an older snapshot keeps the WAL from being copied and started over, as an
  // indexer running late does under load.
  const late = new Database(file, { readonly: true });
  late.exec('BEGIN');
  late.prepare('SELECT count(*) FROM docs').get();
  const page = 'x'.repeat(15_000); // ~4 pages a document
  for (let group = 0; group < 12; group++) {
    await Promise.all(Array.from({ length: 256 }, (_, i) => put(`${group}-${i}`, { page })));
  }
  // The indexer's copy (up to the older snapshot); its next is half a second away.
  await store.indexAll();
  late.exec('COMMIT');
  late.close();
  const before = walIndex(file);
  assert.ok(before.frames > 12_000, `the WAL holds ${before.frames} frames`);
  await put('last');
  const after = walIndex(file);
  assert.ok(after.copied < after.frames, `the write copied the WAL (${after.copied} of ${after.frames} frames)`);
  assert.equal(after.copied, before.copied);
});
