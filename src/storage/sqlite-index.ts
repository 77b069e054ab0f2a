// Event history's index for the embedded store, kept in its own SQLite file beside the journal's
// and written by a worker thread (sqlite-indexer.ts). In its own file, the index never takes the
// journal's write lock: the calls being recorded never wait for it, and the ~9 b-tree rows each
// event needs are written on another core. The index is derived data: it is rebuilt from the
// journal when its file is missing or belongs to another journal.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker.ts';
import { rowLookupKeys } from './journal-index.ts';
import type { EventRow } from './journal-index.ts';
import type { LookupQuery } from './store.ts';

const SCHEMA = `
-- Every (account, region, category, attribute, value) some event is found by, numbered: an index
-- row then holds three integers, about a sixth of the bytes of one holding the strings.
CREATE TABLE IF NOT EXISTS lookup_keys (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  category TEXT NOT NULL,
  attr TEXT NOT NULL,
  value TEXT NOT NULL,
  UNIQUE (account_id, region, category, attr, value)
);
-- One row per (event, lookup key), the '*' key (no attribute) included; one b-tree serves every
-- LookupEvents query but those by event id.
CREATE TABLE IF NOT EXISTS event_keys (
  key_id INTEGER NOT NULL,
  event_time INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (key_id, event_time, seq)
) WITHOUT ROWID;
-- Event ids are unique, so numbering them would double their cost: they are found by a 48-bit
-- hash, checked against the journal's event_id.
CREATE TABLE IF NOT EXISTS event_ids (
  hash INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (hash, seq)
) WITHOUT ROWID;
-- The index holds the rows of every event up to indexed_seq; lookups read the events after it
-- (the tail) straight from the journal.
CREATE TABLE IF NOT EXISTS index_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO index_state VALUES ('indexed_seq', 0);
`;

/** `opentrail.db` -> `opentrail-index.db`. */
export const indexFileOf = (journalFile: string) => journalFile.replace(/(\.[^./]*)?$/, '-index$1');

/** Bumped when the index's layout changes: an index file of another version is rebuilt. */
const VERSION = 2;

/** Creates the index file (WAL, so that lookups read it while the indexer writes), or recreates one of another layout. */
export function createIndexFile(file: string): void {
  let db = new Database(file);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== 0 && version !== VERSION) {
    db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    db = new Database(file);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
    db.pragma(`user_version = ${VERSION}`);
  } finally {
    db.close();
  }
}

const eventIdHash = (eventId: string) => createHash('sha256').update(eventId).digest().readUIntBE(0, 6);

/** A lookup's events, newest first, for a connection with the index attached as `ix` (parameters: lookupParams). */
export function lookupSql(byEventId: boolean, paging: boolean): string {
  const rows = byEventId
    ? `ix.event_ids k JOIN events e ON e.seq = k.seq
       WHERE k.hash = @hash AND e.event_id = @value AND e.account_id = @accountId AND e.region = @region AND e.category = @category`
    : `ix.event_keys k JOIN events e ON e.seq = k.seq
       WHERE k.key_id = (SELECT id FROM ix.lookup_keys WHERE account_id = @accountId AND region = @region AND category = @category AND attr = @attr AND value = @value)`;
  // Ordered by what the rows' b-tree is ordered by, so that the first `limit` rows are read and no more.
  const t = byEventId ? 'e' : 'k';
  const after = paging ? `AND (${t}.event_time, ${t}.seq) < (@beforeTime, @beforeSeq)` : '';
  return `SELECT e.* FROM ${rows} AND ${t}.event_time >= @start AND ${t}.event_time <= @end ${after}
    ORDER BY ${t}.event_time DESC, ${t}.seq DESC LIMIT @limit`;
}

export const INDEXED_SEQ_SQL = "SELECT value FROM ix.index_state WHERE name = 'indexed_seq'";

/** The parameters of lookupSql for a query. */
export function lookupParams(q: LookupQuery): Record<string, string | number> {
  const value = q.attribute?.value ?? '';
  return {
    accountId: q.accountId,
    region: q.region,
    category: q.category,
    attr: q.attribute?.key ?? '*',
    value,
    hash: eventIdHash(value),
    start: Math.floor(q.startTime.getTime() / 1000),
    end: Math.floor(q.endTime.getTime() / 1000),
    beforeTime: q.before?.eventTime ?? 0,
    beforeSeq: q.before?.seq ?? 0,
    limit: q.limit,
  };
}

/** An events row without its record, which the index does not need. */
type KeySource = Omit<EventRow, 'record'>;

/** Lookup key ids the indexer remembers; the rest are read from lookup_keys. */
const REMEMBERED_KEYS = 100_000;

/** The index's writer: one connection to the index file, with the journal attached for reading. */
export class EventIndexer {
  private readonly db: Database.Database;
  private readonly indexedSeq;
  private readonly setIndexedSeq;
  private readonly after;
  private readonly lastSeq;
  private readonly keyId;
  private readonly insertLookupKey;
  private readonly insertKey;
  private readonly insertEventId;
  private readonly purgeKeys;
  private readonly purgeEventIds;
  private readonly keyIds = new Map<string, number>();

  constructor(indexFile: string, journalFile: string) {
    this.db = new Database(indexFile);
    this.db.pragma('journal_mode = WAL');
    // The index is rebuilt from the journal after a power loss, so its commits need no sync.
    this.db.pragma('synchronous = OFF');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.db.prepare('ATTACH DATABASE ? AS j').run(journalFile);
    this.indexedSeq = this.db.prepare("SELECT value FROM index_state WHERE name = 'indexed_seq'").pluck();
    this.setIndexedSeq = this.db.prepare("UPDATE index_state SET value = ? WHERE name = 'indexed_seq'");
    this.after = this.db.prepare(
      `SELECT seq, account_id, region, category, event_time, event_id, event_name, event_source, username, access_key_id, read_only, resources
       FROM j.events WHERE seq > ? ORDER BY seq LIMIT ?`,
    );
    this.lastSeq = this.db.prepare('SELECT coalesce(max(seq), 0) FROM j.events').pluck();
    this.keyId = this.db.prepare('SELECT id FROM lookup_keys WHERE account_id = ? AND region = ? AND category = ? AND attr = ? AND value = ?').pluck();
    this.insertLookupKey = this.db.prepare('INSERT INTO lookup_keys (account_id, region, category, attr, value) VALUES (?, ?, ?, ?, ?)');
    this.insertKey = this.db.prepare('INSERT OR IGNORE INTO event_keys VALUES (?, ?, ?)');
    this.insertEventId = this.db.prepare('INSERT OR IGNORE INTO event_ids VALUES (?, ?)');
    // Rows whose event the retention purge deleted from the journal.
    const gone = (table: string) => `NOT EXISTS (SELECT 1 FROM j.events e WHERE e.seq = ${table}.seq)`;
    this.purgeKeys = this.db.prepare(`DELETE FROM event_keys WHERE event_time <= ? AND ${gone('event_keys')}`);
    this.purgeEventIds = this.db.prepare(`DELETE FROM event_ids WHERE ${gone('event_ids')}`);
    // An index ahead of its journal (a journal restored from a backup) indexes another history.
    if ((this.indexedSeq.get() as number) > (this.lastSeq.get() as number)) this.reset();
  }

  private reset(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM event_keys; DELETE FROM event_ids; DELETE FROM lookup_keys');
      this.setIndexedSeq.run(0);
    })();
    this.keyIds.clear();
  }

  /** Indexes up to `limit` events after the indexed ones; returns how many are left. */
  indexPending(limit: number): number {
    try {
      return this.db.transaction(() => {
        const rows = this.after.all(this.indexedSeq.get(), limit) as KeySource[];
        for (const row of rows) {
          for (const [attr, value] of rowLookupKeys(row)) {
            if (attr === 'EventId') this.insertEventId.run(eventIdHash(value), row.seq);
            else this.insertKey.run(this.lookupKeyId(row, attr, value), row.event_time, row.seq);
          }
        }
        if (rows.length) this.setIndexedSeq.run(rows[rows.length - 1].seq);
        return (this.lastSeq.get() as number) - (this.indexedSeq.get() as number);
      })();
    } catch (err) {
      // Ids numbered in the rolled-back transaction do not exist.
      this.keyIds.clear();
      throw err;
    }
  }

  private lookupKeyId(row: KeySource, attr: string, value: string): number {
    const name = `${row.account_id}\u0000${row.region}\u0000${row.category}\u0000${attr}\u0000${value}`;
    let id = this.keyIds.get(name);
    if (id === undefined) {
      const args = [row.account_id, row.region, row.category, attr, value];
      id = (this.keyId.get(...args) as number | undefined) ?? Number(this.insertLookupKey.run(...args).lastInsertRowid);
      if (this.keyIds.size >= REMEMBERED_KEYS) this.keyIds.clear();
      this.keyIds.set(name, id);
    }
    return id;
  }

  /** Deletes the rows of purged events up to `eventTime` (epoch seconds). */
  purge(eventTime: number): void {
    this.db.transaction(() => {
      this.purgeKeys.run(eventTime);
      this.purgeEventIds.run();
    })();
  }

  /**
   * Copies the journal's WAL into its database file. The journal's writer leaves this to the
   * indexer (PASSIVE: it never waits for, nor blocks, readers or the writer), so that the calls
   * being recorded do not pay for it.
   */
  checkpointJournal(): void {
    this.db.pragma('j.wal_checkpoint(PASSIVE)');
  }

  close(): void {
    this.db.close();
  }
}

export type IndexerRequest = { type: 'flush'; id: number } | { type: 'purged'; eventTime: number } | { type: 'close' };
export type IndexerReply = { type: 'flushed'; id: number } | { type: 'error'; message: string; id?: number };

/** The main thread's handle on the indexer worker; a worker that dies is started again. */
export class IndexerThread {
  private worker: Worker | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly flushes = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private nextId = 0;
  private closing: Promise<void> | undefined;
  /** Before the next restart; doubled while the worker keeps dying young (a data dir gone). */
  private restartDelay = 1000;

  constructor(
    private readonly files: { indexFile: string; journalFile: string },
    private readonly log: (message: string) => void,
  ) {
    this.start();
  }

  private start(): void {
    const started = Date.now();
    const worker = startWorker(new URL('./sqlite-indexer.ts', import.meta.url), this.files);
    this.worker = worker;
    // The worker never keeps the process alive: the journal holds the truth, the index catches up.
    worker.unref();
    worker.on('message', (m: IndexerReply) => {
      if (m.type === 'flushed') this.settle(m.id);
      else {
        this.log(`event history index: ${m.message}`);
        if (m.id !== undefined) this.settle(m.id, new Error(m.message));
      }
    });
    worker.on('error', (err) => this.log(`event history index: ${err.stack ?? String(err)}`));
    worker.on('exit', () => {
      this.worker = undefined;
      for (const id of [...this.flushes.keys()]) this.settle(id, new Error('the indexer stopped'));
      if (this.closing) return;
      this.restartDelay = Date.now() - started > 60_000 ? 1000 : Math.min(this.restartDelay * 2, 60_000);
      this.restartTimer = setTimeout(() => this.start(), this.restartDelay).unref();
    });
  }

  private settle(id: number, err?: Error): void {
    const f = this.flushes.get(id);
    this.flushes.delete(id);
    if (err) f?.reject(err);
    else f?.resolve();
    if (this.flushes.size === 0 && !this.closing) this.worker?.unref();
  }

  /** Resolves once every event committed before the call is indexed. */
  flush(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.closing) return Promise.reject(new Error('the indexer is not running'));
    const id = this.nextId++;
    // Held open while someone waits for the worker.
    worker.ref();
    return new Promise<void>((resolve, reject) => {
      this.flushes.set(id, { resolve, reject });
      worker.postMessage({ type: 'flush', id } satisfies IndexerRequest);
    });
  }

  /** Events up to `eventTime` (epoch seconds) were purged from the journal. */
  purged(eventTime: number): void {
    // A worker being restarted misses nothing lasting: the next purge covers these rows too.
    this.worker?.postMessage({ type: 'purged', eventTime } satisfies IndexerRequest);
  }

  /** Indexes what is left and stops the worker. */
  close(): Promise<void> {
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.closing ??= worker
      ? new Promise<void>((resolve) => {
          worker.ref();
          worker.once('exit', () => resolve());
          worker.postMessage({ type: 'close' } satisfies IndexerRequest);
        })
      : Promise.resolve();
    return this.closing;
  }
}
