// The embedded store: one SQLite file in the data dir. A single writer connection runs
// transactions one at a time (SQLite has one writer anyway); a second connection serves reads
// from the last committed state (WAL), so a reader never sees a transaction in flight.
import Database from 'better-sqlite3';
import type { DocKey, DocPage, DocStore, Journal, JournalEntry, LookupQuery, Store, StoredEvent, Tx } from './store.ts';
import { lookupKeys, rowToEvent } from './journal-index.ts';
import type { EventRow } from './journal-index.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS docs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  collection TEXT NOT NULL,
  partition TEXT NOT NULL,
  id TEXT NOT NULL,
  ikey TEXT,
  body TEXT NOT NULL,
  UNIQUE (collection, partition, id)
);
CREATE INDEX IF NOT EXISTS docs_list ON docs (collection, partition, seq);
CREATE INDEX IF NOT EXISTS docs_ikey ON docs (collection, ikey) WHERE ikey IS NOT NULL;

CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  category TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  event_name TEXT NOT NULL,
  event_source TEXT NOT NULL,
  username TEXT,
  access_key_id TEXT,
  read_only INTEGER NOT NULL,
  resources TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_time ON events (event_time);

-- Event history's index: one row per (event, lookup attribute value), plus one '*' row per event
-- for lookups without an attribute. One b-tree serves every LookupEvents query.
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
`;

class SqliteTx implements Tx {
  readonly docs: DocStore;
  readonly journal: Journal;
  constructor(db: Database.Database) {
    this.docs = new SqliteDocs(db);
    this.journal = new SqliteJournal(db);
  }
}

class SqliteDocs implements DocStore {
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly listStmt;
  private readonly indexStmt;
  private readonly indexPartStmt;
  private readonly countStmt;
  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT body FROM docs WHERE collection = ? AND partition = ? AND id = ?').pluck();
    this.upsertStmt = db.prepare(
      'INSERT INTO docs (collection, partition, id, ikey, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (collection, partition, id) DO UPDATE SET ikey = excluded.ikey, body = excluded.body',
    );
    this.deleteStmt = db.prepare('DELETE FROM docs WHERE collection = ? AND partition = ? AND id = ?');
    this.listStmt = db.prepare('SELECT seq, body FROM docs WHERE collection = ? AND partition = ? AND seq > ? ORDER BY seq LIMIT ?');
    this.indexStmt = db.prepare('SELECT body FROM docs WHERE collection = ? AND ikey = ? ORDER BY seq').pluck();
    this.indexPartStmt = db.prepare('SELECT body FROM docs WHERE collection = ? AND ikey = ? AND partition = ? ORDER BY seq').pluck();
    this.countStmt = db.prepare('SELECT count(*) FROM docs WHERE collection = ? AND partition = ?').pluck();
  }
  async get<T>(key: DocKey): Promise<T | undefined> {
    const body = this.getStmt.get(key.collection, key.partition, key.id) as string | undefined;
    return body === undefined ? undefined : (JSON.parse(body) as T);
  }
  async put<T>(key: DocKey, doc: T, index: string | null = null): Promise<void> {
    this.upsertStmt.run(key.collection, key.partition, key.id, index, JSON.stringify(doc));
  }
  async delete(key: DocKey): Promise<boolean> {
    return this.deleteStmt.run(key.collection, key.partition, key.id).changes > 0;
  }
  async list<T>(collection: string, partition: string, opts: { after?: number; limit: number }): Promise<DocPage<T>> {
    const rows = this.listStmt.all(collection, partition, opts.after ?? 0, opts.limit + 1) as { seq: number; body: string }[];
    const items = rows.slice(0, opts.limit).map((r) => JSON.parse(r.body) as T);
    return { items, next: rows.length > opts.limit ? rows[opts.limit - 1].seq : undefined };
  }
  async findByIndex<T>(collection: string, index: string, partition?: string): Promise<T[]> {
    const rows = (partition === undefined ? this.indexStmt.all(collection, index) : this.indexPartStmt.all(collection, index, partition)) as string[];
    return rows.map((b) => JSON.parse(b) as T);
  }
  async count(collection: string, partition: string): Promise<number> {
    return this.countStmt.get(collection, partition) as number;
  }
}

class SqliteJournal implements Journal {
  private readonly insertEvent;
  private readonly insertKey;
  private readonly lookupFirst;
  private readonly lookupNext;
  private readonly expired;
  private readonly deleteKey;
  private readonly deleteEvent;
  private readonly after;
  private readonly last;
  constructor(db: Database.Database) {
    this.insertEvent = db.prepare(
      `INSERT INTO events (account_id, region, category, event_time, event_id, event_name, event_source, username, access_key_id, read_only, resources, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertKey = db.prepare('INSERT OR IGNORE INTO event_keys VALUES (?, ?, ?, ?, ?, ?, ?)');
    const base = `SELECT e.* FROM event_keys k JOIN events e ON e.seq = k.seq
      WHERE k.account_id = ? AND k.region = ? AND k.category = ? AND k.attr = ? AND k.value = ?
        AND k.event_time >= ? AND k.event_time <= ?`;
    const order = 'ORDER BY k.event_time DESC, k.seq DESC LIMIT ?';
    this.lookupFirst = db.prepare(`${base} ${order}`);
    this.lookupNext = db.prepare(`${base} AND (k.event_time, k.seq) < (?, ?) ${order}`);
    this.expired = db.prepare('SELECT * FROM events WHERE event_time < ? AND seq < ? ORDER BY event_time LIMIT 1000');
    this.after = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.last = db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck();
    this.deleteKey = db.prepare(
      'DELETE FROM event_keys WHERE account_id = ? AND region = ? AND category = ? AND attr = ? AND value = ? AND event_time = ? AND seq = ?',
    );
    this.deleteEvent = db.prepare('DELETE FROM events WHERE seq = ?');
  }
  async append(entry: JournalEntry): Promise<number> {
    const t = Math.floor(entry.eventTime.getTime() / 1000);
    const seq = Number(
      this.insertEvent.run(
        entry.accountId,
        entry.region,
        entry.category,
        t,
        entry.eventId,
        entry.eventName,
        entry.eventSource,
        entry.username ?? null,
        entry.accessKeyId ?? null,
        entry.readOnly ? 1 : 0,
        JSON.stringify(entry.resources),
        entry.record,
      ).lastInsertRowid,
    );
    for (const [attr, value] of lookupKeys(entry)) {
      this.insertKey.run(entry.accountId, entry.region, entry.category, attr, value, t, seq);
    }
    return seq;
  }
  async lookup(q: LookupQuery): Promise<StoredEvent[]> {
    const args = [
      q.accountId,
      q.region,
      q.category,
      q.attribute?.key ?? '*',
      q.attribute?.value ?? '',
      Math.floor(q.startTime.getTime() / 1000),
      Math.floor(q.endTime.getTime() / 1000),
    ];
    const rows = (q.before ? this.lookupNext.all(...args, q.before.eventTime, q.before.seq, q.limit) : this.lookupFirst.all(...args, q.limit)) as EventRow[];
    return rows.map(rowToEvent);
  }
  async readAfter(after: number, limit: number): Promise<StoredEvent[]> {
    return (this.after.all(after, limit) as EventRow[]).map(rowToEvent);
  }
  async lastSeq(): Promise<number> {
    return this.last.get() as number;
  }
  async purge(cutoff: Date, keepFrom = Number.MAX_SAFE_INTEGER): Promise<number> {
    const t = Math.floor(cutoff.getTime() / 1000);
    let deleted = 0;
    for (;;) {
      const rows = this.expired.all(t, keepFrom) as EventRow[];
      for (const row of rows) {
        const event = rowToEvent(row);
        // The index rows are derived from the event, so each is deleted by its full key.
        for (const [attr, value] of lookupKeys(event)) {
          this.deleteKey.run(event.accountId, event.region, event.category, attr, value, row.event_time, event.seq);
        }
        this.deleteEvent.run(event.seq);
      }
      deleted += rows.length;
      if (rows.length < 1000) return deleted;
    }
  }
}

export class SqliteStore implements Store {
  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  private readonly writeTx: SqliteTx;
  private readonly readTx: SqliteTx;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.writer = new Database(file);
    this.writer.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit is atomic and survives a process crash; only a power loss
    // can lose the last few commits, and then a change and its record are lost together.
    this.writer.pragma('synchronous = NORMAL');
    this.writer.pragma('busy_timeout = 5000');
    this.writer.exec(SCHEMA);
    this.reader = new Database(file, { readonly: true });
    this.reader.pragma('busy_timeout = 5000');
    this.writeTx = new SqliteTx(this.writer);
    this.readTx = new SqliteTx(this.reader);
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(this.readTx);
  }

  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const run = async () => {
      this.writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.writeTx);
        this.writer.exec('COMMIT');
        return result;
      } catch (err) {
        this.writer.exec('ROLLBACK');
        throw err;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    this.reader.close();
    this.writer.close();
  }
}
