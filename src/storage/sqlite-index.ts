// Event history's index for the embedded store, kept in its own SQLite file beside the journal's
// and written by a worker thread (sqlite-indexer.ts). In its own file, the index never takes the
// journal's write lock: the calls being recorded never wait for it, and the ~9 b-tree rows each
// event needs are written on another core. The index is derived data: it is rebuilt from the
// journal when its file is missing or belongs to another journal.
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker.ts';
import { lookupKeys } from './journal-index.ts';
import type { EventRow } from './journal-index.ts';

const SCHEMA = `
-- One row per (event, lookup attribute value), plus one '*' row per event for lookups without an
-- attribute. One b-tree serves every LookupEvents query.
CREATE TABLE IF NOT EXISTS event_keys (
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  category TEXT NOT NULL,
  attr TEXT NOT NULL,
  value TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, category, attr, value, event_time, seq)
) WITHOUT ROWID;
-- event_keys holds the rows of every event up to indexed_seq; lookups read the events after it
-- (the tail) straight from the journal.
CREATE TABLE IF NOT EXISTS index_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO index_state VALUES ('indexed_seq', 0);
`;

/** `opentrail.db` -> `opentrail-index.db`. */
export const indexFileOf = (journalFile: string) => journalFile.replace(/(\.[^./]*)?$/, '-index$1');

/** Bumped when the index's layout changes: an index file of another version is rebuilt. */
const VERSION = 1;

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

/** The index rows that match a lookup, joined to their events, for a connection with the index attached as `ix`. */
export const LOOKUP_SQL = `SELECT e.* FROM ix.event_keys k JOIN events e ON e.seq = k.seq
  WHERE k.account_id = ? AND k.region = ? AND k.category = ? AND k.attr = ? AND k.value = ?
    AND k.event_time >= ? AND k.event_time <= ?`;
export const INDEXED_SEQ_SQL = "SELECT value FROM ix.index_state WHERE name = 'indexed_seq'";

/** An events row without its record, which the index does not need. */
type KeySource = Omit<EventRow, 'record'>;

/** The index's writer: one connection to the index file, with the journal attached for reading. */
export class EventIndexer {
  private readonly db: Database.Database;
  private readonly indexedSeq;
  private readonly setIndexedSeq;
  private readonly after;
  private readonly lastSeq;
  private readonly insertKey;
  private readonly purgeKeys;

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
    this.insertKey = this.db.prepare('INSERT OR IGNORE INTO event_keys VALUES (?, ?, ?, ?, ?, ?, ?)');
    // Rows whose event the retention purge deleted from the journal.
    this.purgeKeys = this.db.prepare('DELETE FROM event_keys WHERE event_time <= ? AND NOT EXISTS (SELECT 1 FROM j.events e WHERE e.seq = event_keys.seq)');
    // An index ahead of its journal (a journal restored from a backup) indexes another history.
    if ((this.indexedSeq.get() as number) > (this.lastSeq.get() as number)) this.reset();
  }

  private reset(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM event_keys');
      this.setIndexedSeq.run(0);
    })();
  }

  /** Indexes up to `limit` events after the indexed ones; returns how many are left. */
  indexPending(limit: number): number {
    return this.db.transaction(() => {
      const rows = this.after.all(this.indexedSeq.get(), limit) as KeySource[];
      for (const row of rows) {
        const keys = lookupKeys({
          eventId: row.event_id,
          eventName: row.event_name,
          eventSource: row.event_source,
          readOnly: row.read_only === 1,
          username: row.username ?? undefined,
          accessKeyId: row.access_key_id ?? undefined,
          resources: JSON.parse(row.resources),
        });
        for (const [attr, value] of keys) this.insertKey.run(row.account_id, row.region, row.category, attr, value, row.event_time, row.seq);
      }
      if (rows.length) this.setIndexedSeq.run(rows[rows.length - 1].seq);
      return (this.lastSeq.get() as number) - (this.indexedSeq.get() as number);
    })();
  }

  /** Deletes the rows of purged events up to `eventTime` (epoch seconds); returns how many. */
  purge(eventTime: number): number {
    return this.purgeKeys.run(eventTime).changes;
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
