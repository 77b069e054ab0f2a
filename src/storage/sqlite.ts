// The embedded store: state and the journal in one SQLite file in the data dir, Event history's
// index in a second one kept by a worker thread (sqlite-index.ts). A single writer connection runs
// transactions one at a time (SQLite has one writer anyway); a second connection serves reads
// from the last committed state (WAL), so a reader never sees a transaction in flight.
//
// Group commit: the write transactions queued while the writer was busy run one after another
// inside ONE SQLite transaction, each in its own savepoint (a record appended alone needs none),
// and all are answered after its COMMIT.
// A commit costs far more than the few rows of a call and its record (it writes every page the
// transaction touched), so under concurrent load this is what keeps recording cheap. Each write
// still commits all-or-nothing, sees the writes before it, and resolves only once durable.
import Database from 'better-sqlite3';
import type { DocKey, DocPage, DocStore, Journal, JournalEntry, LookupQuery, Store, StoredEvent, Tx } from './store.ts';
import { columnsToEvent, EVENT_COLUMNS } from './journal-index.ts';
import { eventIdTime } from '../audit/event-id.ts';
import type { EventColumns, EventMeta } from './journal-index.ts';
import { limitTo } from './sqlite-limit.ts';
import { createIndexFile, eventColumns, INDEX_LAG_LIMIT, INDEXED_SEQ_SQL, indexFileOf, IndexerThread, LONG_TAIL, lookupParams, lookupSql, tailSql } from './sqlite-index.ts';

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

-- Event history's index lives in its own file (sqlite-index.ts); it used to be here.
DROP TABLE IF EXISTS event_keys;
DROP TABLE IF EXISTS journal_state;
`;

class SqliteTx implements Tx {
  readonly docs: DocStore;
  readonly journal: SqliteJournal;
  constructor(db: Database.Database, lookups: Lookups, cache: DocCache, role: 'reader' | 'writer') {
    this.docs = new SqliteDocs(db, cache, role);
    this.journal = new SqliteJournal(db, lookups);
  }
}

/** Documents kept in memory for the reader; enough for the hot ones (access keys, accounts). */
const CACHED_DOCS = 10_000;

/**
 * Documents recently read through the reader connection. Any commit by another connection
 * empties SQLite's page cache of the reader, so with calls being recorded all the time each
 * read would go back to the file. Documents the writer changes are evicted when its transaction
 * ends, before any write of it is answered; a commit by another process (an `opentrail account`
 * command on the same data dir), seen by the writer's data_version, empties the cache.
 */
class DocCache {
  private readonly docs = new Map<string, string | null>();
  private readonly touched = new Set<string>();
  private readonly dataVersion;
  private seenVersion: unknown;

  constructor(private readonly writer: Database.Database) {
    this.dataVersion = writer.prepare('PRAGMA data_version').pluck();
    this.seenVersion = this.dataVersion.get();
  }

  static id = (key: DocKey) => `${key.collection}\u0000${key.partition}\u0000${key.id}`;

  /** Forgets everything when another connection committed since the last look (a few µs to ask). */
  checkOthers(): void {
    const version = this.dataVersion.get();
    if (version !== this.seenVersion) {
      this.docs.clear();
      this.seenVersion = version;
    }
  }

  /**
   * Asked when the writer begins a transaction (while it is open, no other connection can
   * commit) and once per turn of the event loop for the reads outside one: the reads of one turn
   * see the documents as of its first read.
   */
  private checkedThisTurn = false;
  private checkOncePerTurn(): void {
    if (this.checkedThisTurn || this.writer.inTransaction) return;
    this.checkedThisTurn = true;
    setImmediate(() => (this.checkedThisTurn = false));
    this.checkOthers();
  }

  read(key: DocKey, load: () => string | undefined): string | undefined {
    this.checkOncePerTurn();
    const id = DocCache.id(key);
    let body = this.docs.get(id);
    if (body === undefined) {
      body = load() ?? null;
      if (this.docs.size >= CACHED_DOCS) this.docs.delete(this.docs.keys().next().value!);
    } else {
      // Most recently used last: the first key is the one evicted.
      this.docs.delete(id);
    }
    this.docs.set(id, body);
    return body ?? undefined;
  }

  /** A document the writer's open transaction changed. */
  touch(key: DocKey): void {
    this.touched.add(DocCache.id(key));
  }

  /** The writer's transaction ended (committed or not): what it touched is read again. */
  settle(): void {
    for (const id of this.touched) this.docs.delete(id);
    this.touched.clear();
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
  constructor(
    db: Database.Database,
    private readonly cache: DocCache,
    private readonly role: 'reader' | 'writer',
  ) {
    this.getStmt = db.prepare('SELECT body FROM docs WHERE collection = ? AND partition = ? AND id = ?').pluck();
    this.upsertStmt = db.prepare(
      'INSERT INTO docs (collection, partition, id, ikey, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (collection, partition, id) DO UPDATE SET ikey = excluded.ikey, body = excluded.body',
    );
    this.deleteStmt = db.prepare('DELETE FROM docs WHERE collection = ? AND partition = ? AND id = ?');
    this.listStmt = db.prepare(`SELECT seq, body FROM docs WHERE collection = ? AND partition = ? AND seq > ? ORDER BY seq ${limitTo('?')}`);
    this.indexStmt = db.prepare('SELECT body FROM docs WHERE collection = ? AND ikey = ? ORDER BY seq').pluck();
    this.indexPartStmt = db.prepare('SELECT body FROM docs WHERE collection = ? AND ikey = ? AND partition = ? ORDER BY seq').pluck();
    this.countStmt = db.prepare('SELECT count(*) FROM docs WHERE collection = ? AND partition = ?').pluck();
  }
  async get<T>(key: DocKey): Promise<T | undefined> {
    // Inside a write, a read must see the transaction's own changes: only the reader is cached.
    const body = this.role === 'reader' ? this.cache.read(key, () => this.load(key)) : this.load(key);
    return body === undefined ? undefined : (JSON.parse(body) as T);
  }
  /** A method, not a closure held by a variable, which tsx (esbuild's keepNames) would name at every read. */
  private load(key: DocKey): string | undefined {
    return this.getStmt.get(key.collection, key.partition, key.id) as string | undefined;
  }
  async put<T>(key: DocKey, doc: T, index: string | null = null): Promise<void> {
    this.cache.touch(key);
    this.upsertStmt.run(key.collection, key.partition, key.id, index, JSON.stringify(doc));
  }
  async delete(key: DocKey): Promise<boolean> {
    this.cache.touch(key);
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

const DAY_S = 86_400;
const LAST_SEQ_SQL = 'SELECT coalesce(max(seq), 0) FROM events';

/** A lookup's row: an events row, or a row of the tail, whose record is read only if it makes the page. */
type Found = EventColumns | EventMeta;
const newerFirst = (a: Found, b: Found) => b[4] - a[4] || b[0] - a[0]; // event_time, seq

/**
 * Lookups, on the reader connection with the index attached: they read committed state, also
 * when called inside a write (no write looks events up).
 */
export class Lookups {
  /** By [byEventId][paging]. */
  private readonly statements: Database.Statement[][];
  /** By [long][paging]. */
  private readonly tails: Database.Statement[][];
  private readonly indexedSeq;
  private readonly lastSeq;
  private readonly bySeq;
  /** A lookup in one snapshot for both parts: the tail read directly, the rest from the index. */
  private readonly inSnapshot: (q: LookupQuery) => StoredEvent[];
  constructor(db: Database.Database) {
    // Rows as arrays: better-sqlite3 builds an object a property at a time, which cost a page of
    // 50 events ~240 µs of ~600.
    this.statements = [false, true].map((byEventId) => [false, true].map((paging) => db.prepare(lookupSql(byEventId, paging)).raw()));
    this.tails = [false, true].map((long) => [false, true].map((paging) => db.prepare(tailSql(long, paging)).raw()));
    this.indexedSeq = db.prepare(INDEXED_SEQ_SQL).pluck();
    this.lastSeq = db.prepare(LAST_SEQ_SQL).pluck();
    this.bySeq = db.prepare(`SELECT ${eventColumns()} FROM events WHERE seq = ?`).raw();
    // Made once: db.transaction() builds four wrapper functions and their properties (~4 µs).
    this.inSnapshot = db.transaction((q: LookupQuery) => this.find(q));
  }

  run(q: LookupQuery): StoredEvent[] {
    return this.inSnapshot(q);
  }

  private find(q: LookupQuery): StoredEvent[] {
    const params = lookupParams(q);
    const paging = Number(q.before !== undefined);
    const { start, end } = params as { start: number; end: number };
    const indexed = this.statements[Number(params.attr === 'EventId')][paging].all(params) as EventColumns[];
    const inTail = { ...params, indexed: this.indexedSeq.get() as number };
    // A short tail (the last tenth of a second) is read whole through its sequence numbers:
    // through the time index it would be found among every event of the time range.
    const long = (this.lastSeq.get() as number) - inTail.indexed > LONG_TAIL;
    let tail: Found[] = [];
    if (params.attr !== 'EventId') tail = this.tailIn(long, paging, inTail, start, end);
    // An event id is found once at most: in the tail only when not in the index. Ours are made
    // at their event's time, so a long tail is searched a day either side of it first (the
    // whole range finds an id only by reading all of it).
    else if (indexed.length === 0) {
      const made = long ? eventIdTime(String(params.value)) : undefined;
      const at = made === undefined ? undefined : Math.floor(made / 1000);
      if (at !== undefined) tail = this.tailIn(long, paging, inTail, Math.max(start, at - DAY_S), Math.min(end, at + DAY_S));
      if (tail.length === 0) tail = this.tailIn(long, paging, inTail, start, end);
    }
    const page: Found[] = tail.length === 0 ? indexed : [...tail, ...indexed].sort(newerFirst).slice(0, q.limit);
    return page.map((row) => columnsToEvent(row.length === EVENT_COLUMNS.length ? row : (this.bySeq.get(row[0]) as EventColumns)));
  }

  /** The unindexed tail's rows between two times (epoch seconds), for a lookup's parameters with @indexed. */
  private tailIn(long: boolean, paging: number, params: Record<string, string | number>, start: number, end: number): Found[] {
    return this.tails[Number(long)][paging].all({ ...params, start, end }) as Found[];
  }
}

/**
 * The journal. On the writer, a write's records are inserted once its savepoint is released
 * (flush), not inside it: SQLite first copies every page a savepoint changes into the
 * savepoint's journal, so a record inserted there cost a copy of the journal's last pages and of
 * its time index's, per call (~10,000 instructions of the ~98,000 a recorded CreateAccount
 * added, callgrind; audited CreateAccount throughput +7% in an interleaved A/B set, the main
 * thread's time per call -8.5%). A record still commits in the transaction of the write that
 * made it, and a write rolled back to its savepoint never inserts its own. A record refused once
 * released (a full disk) can no longer be undone alone: the writes of its transaction all fail.
 */
class SqliteJournal implements Journal {
  private readonly insertEvent;
  private readonly deleteExpired;
  private readonly after;
  private readonly last;
  /** The newest event time purged since the store last asked (epoch seconds). */
  private purgedUpTo: number | undefined;
  /** Records appended in the open transaction and not inserted yet. */
  private pending: { seq: number; entry: JournalEntry }[] = [];
  /** The sequence number of the next record, while a transaction is open and has appended. */
  private nextSeq: number | undefined;
  constructor(
    db: Database.Database,
    private readonly lookups: Lookups,
  ) {
    this.insertEvent = db.prepare(
      `INSERT INTO events (seq, account_id, region, category, event_time, event_id, event_name, event_source, username, access_key_id, read_only, resources, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // The newest event is never purged: its sequence number would be given again (a rowid),
    // and the index, which follows sequence numbers, would skip the next events.
    this.deleteExpired = db
      .prepare(
        `DELETE FROM events WHERE seq IN (
           SELECT seq FROM events WHERE event_time < @cutoff AND seq < @keepFrom AND seq < (SELECT max(seq) FROM events)
           ORDER BY event_time, seq ${limitTo('@limit')})
         RETURNING event_time`,
      )
      .pluck();
    this.after = db.prepare(`SELECT ${eventColumns()} FROM events WHERE seq > ? ORDER BY seq ${limitTo('?')}`).raw();
    this.last = db.prepare(LAST_SEQ_SQL).pluck();
  }
  async append(entry: JournalEntry): Promise<number> {
    // The next rowid, as SQLite would choose it: read once per transaction, which holds the write lock.
    const seq = (this.nextSeq ??= (this.last.get() as number) + 1);
    this.nextSeq++;
    this.pending.push({ seq, entry });
    return seq;
  }
  /** Inserts the records appended so far: when their write is released, or before it reads or deletes events itself. */
  flush(): void {
    if (this.pending.length === 0) return;
    for (const { seq, entry } of this.pending) {
      this.insertEvent.run(
        seq,
        entry.accountId,
        entry.region,
        entry.category,
        Math.floor(entry.eventTime.getTime() / 1000),
        entry.eventId,
        entry.eventName,
        entry.eventSource,
        entry.username ?? null,
        entry.accessKeyId ?? null,
        entry.readOnly ? 1 : 0,
        JSON.stringify(entry.resources),
        entry.record,
      );
    }
    this.pending = [];
  }
  /** Forgets the records not inserted yet (their write rolled back) and the next sequence number (the transaction ended). */
  discard(): void {
    this.pending = [];
    this.nextSeq = undefined;
  }
  async lookup(q: LookupQuery): Promise<StoredEvent[]> {
    return this.lookups.run(q);
  }
  async readAfter(after: number, limit: number): Promise<StoredEvent[]> {
    this.flush();
    return (this.after.all(after, limit) as EventColumns[]).map(columnsToEvent);
  }
  async lastSeq(): Promise<number> {
    this.flush();
    return this.last.get() as number;
  }
  async purge(cutoff: Date, keepFrom = Number.MAX_SAFE_INTEGER, limit = Infinity): Promise<number> {
    // SQLite reads a negative LIMIT as none.
    const args = { cutoff: Math.floor(cutoff.getTime() / 1000), keepFrom, limit: Number.isFinite(limit) ? limit : -1 };
    let purged = 0;
    this.flush();
    for (const t of this.deleteExpired.iterate(args) as IterableIterator<number>) {
      purged++;
      this.purgedUpTo = Math.max(this.purgedUpTo ?? t, t);
    }
    return purged;
  }
  /** The newest event time purged since the last call; the index drops those events' rows once the purge commits. */
  takePurged(): number | undefined {
    const t = this.purgedUpTo;
    this.purgedUpTo = undefined;
    return t;
  }
}

/**
 * WAL frames past which the writer copies the WAL itself, on the main thread. Under CreateAccount
 * load the WAL takes ~3 frames per call, up to 20 a millisecond, and starts over about every
 * 0.6 s (after the indexer's copy, see walCopied), later or not at all when the indexer runs
 * late or still reads the frames. At 10,000 frames one late restart was enough: the writer
 * then copied the WAL inside a commit, 40-55 ms during which no call was answered, about once a
 * second. 60,000 (~240 MB) lets the indexer miss a few: audited CreateAccount throughput rose
 * 12% (8 interleaved rounds each).
 */
const WAL_BOUND = 60_000;
/**
 * The WAL file's size kept when it starts over. Under load it reaches 30-60 MB between restarts;
 * only one that grew past that (missed restarts) is cut back, a cost paid on the main thread.
 */
const WAL_KEPT_BYTES = 128 * 1024 * 1024;

/** A bound on one group commit, so that no write waits behind an unbounded batch. */
const MAX_GROUP = 256;

interface PendingWrite {
  /** A write, or the record of a call that changed nothing (Store.append). */
  work: ((tx: Tx) => Promise<unknown>) | JournalEntry;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class SqliteStore implements Store {
  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  private readonly writeTx: SqliteTx;
  private readonly readTx: SqliteTx;
  private readonly indexer: IndexerThread;
  private readonly docCache: DocCache;
  private pending: PendingWrite[] = [];
  /** Set while a group is scheduled or running; the next is scheduled when it ends. */
  private busy: Promise<void> | undefined;
  /** Transaction control, prepared once: run for every write, it would be parsed every time. */
  private readonly control: Record<'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'commit' | 'checkpoint', Database.Statement>;
  /**
   * The indexer has copied the WAL into the database file, all but the frames committed while it
   * copied. Under steady load those are never none, and SQLite starts the WAL over only when a
   * write begins with every frame copied: left to the indexer alone, the WAL grew to the
   * autocheckpoint, and the writer then copied up to half a second of frames on the main thread
   * (20-30 ms at a time; 2.4% of its time under CreateAccount load, 1.2% now). The writer copies
   * the few frames left instead, so that its next write starts the WAL over.
   */
  private walCopied = false;

  constructor(
    file: string,
    private readonly log: (message: string) => void = (m) => console.error(m),
    options: { indexLagLimit?: number } = {},
  ) {
    this.writer = new Database(file);
    this.writer.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit is atomic and survives a process crash; only a power loss
    // can lose the last few commits, and then a change and its record are lost together.
    this.writer.pragma('synchronous = NORMAL');
    // The indexer thread checkpoints the WAL, so that the calls being recorded do not pay for
    // checkpoints: the writer copies only the frames committed meanwhile (walCopied), and the
    // whole WAL only past WAL_BOUND (the indexer stalled).
    this.writer.pragma(`wal_autocheckpoint = ${WAL_BOUND}`);
    // A WAL that once grew past its usual size is cut back when it starts over.
    this.writer.pragma(`journal_size_limit = ${WAL_KEPT_BYTES}`);
    this.writer.pragma('busy_timeout = 5000');
    // SQLite's own default page cache (2 MB), not better-sqlite3's 16 MB. A page split may swap
    // two pages' numbers through the lock page's (balance_nonroot), which leaves the cache's
    // largest page number past the database's end: the next commit then scans every slot of the
    // cache's hash table to drop pages past the end. With 16 MB that cost ~3 µs per recorded
    // call. The writer's hot pages (the ends of the journal, the documents being changed) fit.
    this.writer.pragma('cache_size = -2000');
    // Each write of a group runs in a savepoint, whose journal of the pages it changes spills
    // to a temporary file past 64 KB (16 pages), and recorded calls then paid for creating,
    // writing and removing that file (strace under CreateAccount load: 0.6 pwrite and 0.34 pread
    // calls more per call, and open and unlink calls; none in memory).
    // In memory, a savepoint's journal is bounded by the largest write (a purge batch, ~3 MB).
    this.writer.pragma('temp_store = MEMORY');
    this.writer.exec(SCHEMA);
    const indexFile = indexFileOf(file);
    createIndexFile(indexFile);
    this.reader = new Database(file, { readonly: true });
    this.reader.pragma('busy_timeout = 5000');
    this.reader.prepare('ATTACH DATABASE ? AS ix').run(indexFile);
    const lookups = new Lookups(this.reader);
    this.docCache = new DocCache(this.writer);
    this.writeTx = new SqliteTx(this.writer, lookups, this.docCache, 'writer');
    this.readTx = new SqliteTx(this.reader, lookups, this.docCache, 'reader');
    const sql = { begin: 'BEGIN IMMEDIATE', savepoint: 'SAVEPOINT w', release: 'RELEASE w', rollbackTo: 'ROLLBACK TO w', commit: 'COMMIT', checkpoint: 'PRAGMA wal_checkpoint(PASSIVE)' };
    this.control = Object.fromEntries(Object.entries(sql).map(([k, v]) => [k, this.writer.prepare(v)])) as SqliteStore['control'];
    this.indexer = new IndexerThread({ indexFile, journalFile: file, lagLimit: options.indexLagLimit ?? INDEX_LAG_LIMIT }, log, () => (this.walCopied = true));
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(this.readTx);
  }

  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.enqueue<T>(fn);
  }

  append(entry: JournalEntry): Promise<number> {
    return this.enqueue<number>(entry);
  }

  private enqueue<T>(work: PendingWrite['work']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
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
    this.docCache.checkOthers();
    const journal = this.writeTx.journal;
    for (let i = 0; i < group.length; i++) {
      const w = group[i];
      const { work } = w;
      try {
        let value: unknown;
        if (typeof work === 'function') {
          this.control.savepoint.run();
          value = await work(this.writeTx);
          this.control.release.run();
        } else {
          // A record alone has nothing to roll back before it is inserted (flush), so no
          // savepoint: its SAVEPOINT and RELEASE cost as much as the insert.
          value = await journal.append(work);
        }
        committed.push(w);
        results.push(value);
      } catch (err) {
        settled.push(() => w.reject(err));
        journal.discard();
        if (this.writer.inTransaction) {
          if (typeof work === 'function') {
            this.control.rollbackTo.run();
            this.control.release.run();
          }
          continue;
        }
        // SQLite rolled the whole transaction back (I/O error, full disk).
        return this.abandon(committed, settled, err, group.slice(i + 1));
      }
      try {
        // Outside the savepoint, inserting the write's records copies no page (see SqliteJournal).
        journal.flush();
      } catch (err) {
        // Nothing of the group may commit without this write's records.
        return this.abandon(committed, settled, err, group.slice(i + 1));
      }
    }
    try {
      this.control.commit.run();
    } catch (err) {
      return this.abandon(committed, settled, err);
    }
    this.endTransaction();
    committed.forEach((c, i) => c.resolve(results[i]));
    for (const s of settled) s();
    if (this.walCopied) {
      this.walCopied = false;
      // Once this group's answers have gone out (microtasks), and before the next group begins:
      // that one is scheduled with setImmediate only after this group ends.
      setImmediate(() => this.copyWalRest());
    }
    const purged = this.writeTx.journal.takePurged();
    if (purged !== undefined) this.indexer.purged(purged);
  }

  /**
   * Rolls the group's transaction back, unless SQLite already did: the writes it had done are
   * lost with it and fail; those it had not begun run in the next group.
   */
  private abandon(committed: PendingWrite[], settled: (() => void)[], err: unknown, notBegun: PendingWrite[] = []): void {
    if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
    this.endTransaction();
    for (const c of committed) c.reject(err);
    this.pending.unshift(...notBegun);
    for (const s of settled) s();
  }

  /** The writer's transaction ended, committed or not. */
  private endTransaction(): void {
    this.docCache.settle();
    this.writeTx.journal.discard();
  }

  /** Copies the frames committed while the indexer copied the WAL (see walCopied). */
  private copyWalRest(): void {
    try {
      this.control.checkpoint.get();
    } catch (err) {
      // Nothing is lost: the indexer copies the WAL again, and the autocheckpoint bounds it.
      this.log(`checkpoint after the indexer's failed: ${String(err)}`);
    }
  }

  /** Resolves once Event history's index holds every event committed so far (bulk loads, tests). */
  indexAll(): Promise<void> {
    return this.indexer.flush();
  }

  async close(): Promise<void> {
    while (this.busy) await this.busy;
    // A clean shutdown leaves nothing for the next start to catch up on.
    await this.indexer.close();
    this.reader.close();
    this.writer.close();
  }
}
