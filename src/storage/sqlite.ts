// The embedded store: one SQLite file in the data dir. A single writer connection runs
// transactions one at a time (SQLite has one writer anyway); a second connection serves reads
// from the last committed state (WAL), so a reader never sees a transaction in flight.
//
// Group commit: the write transactions queued while the writer was busy run one after another
// inside ONE SQLite transaction, each in its own savepoint, and all are answered after its COMMIT.
// A commit costs far more than the few rows of a call and its record (it writes every page the
// transaction touched), so under concurrent load this is what keeps recording cheap. Each write
// still commits all-or-nothing, sees the writes before it, and resolves only once durable.
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

-- event_keys holds the rows of every event up to indexed_seq; the events after it (the tail) are
-- indexed in bulk shortly after they commit, and lookups read the tail directly meanwhile.
-- A database indexed before this row existed starts fully indexed.
CREATE TABLE IF NOT EXISTS journal_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO journal_state VALUES ('indexed_seq', (SELECT coalesce(max(seq), 0) FROM events));
`;

class SqliteTx implements Tx {
  readonly docs: DocStore;
  readonly journal: SqliteJournal;
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

/** Events left for the bulk indexer before it runs; a lookup reads at most about this many directly. */
const INDEX_AFTER = 256;
/** Or this long after an event committed, whichever comes first. */
const INDEX_DELAY_MS = 100;
/** Events indexed in one write transaction when catching up. */
const INDEX_CHUNK = 5000;

type Position = { eventTime: number; seq: number };
const newerFirst = (a: Position, b: Position) => b.eventTime - a.eventTime || b.seq - a.seq;

class SqliteJournal implements Journal {
  private readonly db: Database.Database;
  private readonly insertEvent;
  private readonly insertKey;
  private readonly lookupFirst;
  private readonly lookupNext;
  private readonly expired;
  private readonly deleteKey;
  private readonly deleteEvent;
  private readonly after;
  private readonly last;
  private readonly indexedSeq;
  private readonly setIndexedSeq;
  private readonly tail;
  constructor(db: Database.Database) {
    this.db = db;
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
    this.indexedSeq = db.prepare("SELECT value FROM journal_state WHERE name = 'indexed_seq'").pluck();
    this.setIndexedSeq = db.prepare("UPDATE journal_state SET value = ? WHERE name = 'indexed_seq'");
    // NOT INDEXED keeps the planner on the rowid range (the short tail): through events_time it
    // would scan every event of the time range (~0.4 s for 90 days of a million events).
    this.tail = db.prepare(
      `SELECT * FROM events NOT INDEXED WHERE seq > ? AND account_id = ? AND region = ? AND category = ? AND event_time >= ? AND event_time <= ?
       ORDER BY event_time DESC, seq DESC`,
    );
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
    // Its lookup rows come with the next bulk index (indexPending), far cheaper than one commit
    // writing a page of every index an event touches.
    return seq;
  }
  /** Indexes up to `limit` events of the tail; returns how many are left. Runs in a write transaction. */
  indexPending(limit: number): number {
    const from = this.indexedSeq.get() as number;
    const rows = this.after.all(from, limit) as EventRow[];
    for (const row of rows) {
      const event = rowToEvent(row);
      for (const [attr, value] of lookupKeys(event)) this.insertKey.run(event.accountId, event.region, event.category, attr, value, row.event_time, event.seq);
    }
    if (rows.length) this.setIndexedSeq.run(rows[rows.length - 1].seq);
    return this.pending();
  }
  pending(): number {
    return (this.last.get() as number) - (this.indexedSeq.get() as number);
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
    // One snapshot for both parts: the tail read directly, the rest from the index.
    return this.db.transaction(() => {
      const indexed = (q.before ? this.lookupNext.all(...args, q.before.eventTime, q.before.seq, q.limit) : this.lookupFirst.all(...args, q.limit)) as EventRow[];
      const [, , , attr, value, start, end] = args;
      const tail = (this.tail.all(this.indexedSeq.get(), q.accountId, q.region, q.category, start, end) as EventRow[])
        .filter((row) => !q.before || newerFirst({ eventTime: row.event_time, seq: row.seq }, q.before) > 0)
        .map(rowToEvent)
        .filter((e) => attr === '*' || lookupKeys(e).some(([a, v]) => a === attr && v === value));
      if (tail.length === 0) return indexed.map(rowToEvent);
      return [...tail, ...indexed.map(rowToEvent)]
        .sort((a, b) => newerFirst({ eventTime: a.eventTime.getTime(), seq: a.seq }, { eventTime: b.eventTime.getTime(), seq: b.seq }))
        .slice(0, q.limit);
    })();
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

/** A bound on one group commit, so that no write waits behind an unbounded batch. */
const MAX_GROUP = 256;

interface PendingWrite {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class SqliteStore implements Store {
  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  private readonly writeTx: SqliteTx;
  private readonly readTx: SqliteTx;
  private pending: PendingWrite[] = [];
  /** Set while a group is scheduled or running; the next is scheduled when it ends. */
  private busy: Promise<void> | undefined;
  private indexTimer: NodeJS.Timeout | undefined;
  private indexing = false;
  /** Transaction control, prepared once: run for every write, it would be parsed every time. */
  private readonly control: Record<'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'commit', Database.Statement>;

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
    const sql = { begin: 'BEGIN IMMEDIATE', savepoint: 'SAVEPOINT w', release: 'RELEASE w', rollbackTo: 'ROLLBACK TO w', commit: 'COMMIT' };
    this.control = Object.fromEntries(Object.entries(sql).map(([k, v]) => [k, this.writer.prepare(v)])) as SqliteStore['control'];
    this.indexSoon();
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(this.readTx);
  }

  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.busy || this.pending.length === 0) return;
    // setImmediate: the requests read in the same turn of the event loop join one group.
    this.busy = new Promise<void>((done) => setImmediate(() => void this.runGroup().finally(done))).then(() => {
      this.busy = undefined;
      this.schedule();
    });
  }

  private async runGroup(): Promise<void> {
    const group = this.pending.splice(0, MAX_GROUP);
    const settled: (() => void)[] = [];
    const committed: PendingWrite[] = [];
    const results: unknown[] = [];
    try {
      this.control.begin.run();
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    for (let i = 0; i < group.length; i++) {
      const w = group[i];
      this.control.savepoint.run();
      try {
        const value = await w.fn(this.writeTx);
        this.control.release.run();
        committed.push(w);
        results.push(value);
      } catch (err) {
        settled.push(() => w.reject(err));
        if (!this.writer.inTransaction) {
          // SQLite rolled the whole transaction back (I/O error, full disk): the writes before
          // this one are lost with it; those after it run in the next group.
          for (const c of committed) c.reject(err);
          this.pending.unshift(...group.slice(i + 1));
          for (const s of settled) s();
          return;
        }
        this.control.rollbackTo.run();
        this.control.release.run();
      }
    }
    try {
      this.control.commit.run();
    } catch (err) {
      if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
      for (const c of committed) c.reject(err);
      for (const s of settled) s();
      return;
    }
    committed.forEach((c, i) => c.resolve(results[i]));
    for (const s of settled) s();
    this.indexSoon();
  }

  /** Schedules the bulk index of the journal's tail once it is long enough or old enough. */
  private indexSoon(): void {
    if (this.indexing) return;
    const pending = this.writeTx.journal.pending();
    if (pending >= INDEX_AFTER) this.indexNow();
    else if (pending > 0 && !this.indexTimer) this.indexTimer = setTimeout(() => this.indexNow(), INDEX_DELAY_MS);
  }

  private indexNow(): void {
    clearTimeout(this.indexTimer);
    this.indexTimer = undefined;
    this.indexing = true;
    // A failure leaves the tail to the next commit's attempt; lookups read the tail meanwhile.
    void this.write(async (tx) => (tx as SqliteTx).journal.indexPending(INDEX_CHUNK)).then(
      (left) => {
        this.indexing = false;
        if (left > 0) this.indexNow();
      },
      () => (this.indexing = false),
    );
  }

  /** Indexes the whole tail now (bulk loads, and a clean shutdown leaves nothing to catch up). */
  async indexAll(): Promise<void> {
    while ((await this.write(async (tx) => (tx as SqliteTx).journal.indexPending(INDEX_CHUNK))) > 0);
  }

  async close(): Promise<void> {
    clearTimeout(this.indexTimer);
    this.indexTimer = undefined;
    await this.indexAll();
    while (this.busy) await this.busy;
    this.reader.close();
    this.writer.close();
  }
}
