// Event history's index for the embedded store, kept in its own SQLite file beside the journal's
// and written by a worker thread (sqlite-indexer.ts). In its own file, the index never takes the
// journal's write lock: the calls being recorded never wait for it, and the ~9 b-tree rows each
// event needs are written on another core. The index is derived data: it is rebuilt from the
// journal when its file is missing or belongs to another journal.
import Database from 'better-sqlite3';
import { closeSync, fdatasyncSync, openSync, rmSync } from 'node:fs';
import { eventIdKey } from '../audit/event-id.ts';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker.ts';
import type { LookupQuery } from './store.ts';
import { limitTo } from './sqlite-limit.ts';
import { EVENT_COLUMNS } from './journal-index.ts';

const SCHEMA = `
-- Every (account, region, category, attribute, value) some event is found by, numbered: an index
-- row then holds three integers, about a sixth of the bytes of one holding the strings. The
-- unique key starts with the value: account, region and category are mostly the same, so keys
-- that start with them are compared column after column on every probe of the b-tree.
CREATE TABLE IF NOT EXISTS lookup_keys (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  category TEXT NOT NULL,
  attr TEXT NOT NULL,
  value TEXT NOT NULL,
  UNIQUE (value, attr, account_id, region, category)
);
-- One row per (event, lookup key), the '*' key (no attribute) included; one b-tree serves every
-- LookupEvents query but those by event id.
CREATE TABLE IF NOT EXISTS event_keys (
  key_id INTEGER NOT NULL,
  event_time INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (key_id, event_time, seq)
) WITHOUT ROWID;
-- Event ids are unique, so numbering them would double their cost: they are found by a 52-bit
-- key (eventIdKey: their time first, so new rows go to the end), checked against the journal's event_id.
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
const VERSION = 4;

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

/** An events row's columns for a SELECT, in EventColumns' order; the tail's rows leave the record out. */
export const eventColumns = (table = '', record = true) => (record ? EVENT_COLUMNS : EVENT_COLUMNS.slice(0, -1)).map((c) => table + c).join(', ');

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
  return `SELECT ${eventColumns('e.')} FROM ${rows} AND ${t}.event_time >= @start AND ${t}.event_time <= @end ${after}
    ORDER BY ${t}.event_time DESC, ${t}.seq DESC ${limitTo('@limit')}`;
}

export const INDEXED_SEQ_SQL = "SELECT value FROM ix.index_state WHERE name = 'indexed_seq'";

/**
 * A tail this long (events the index does not hold yet: an index being rebuilt, an indexer that
 * fell behind) is read newest first through the journal's time index, stopping at the page,
 * instead of all of it through its sequence numbers.
 */
export const LONG_TAIL = 2000;

/**
 * A lookup's newest events after @indexed (the tail), read from the journal itself (parameters:
 * lookupParams and @indexed). Its attribute test is the SQL form of lookupKeys (journal-index.ts),
 * as EVENT_LOOKUP_KEYS is; a test checks that both find the same events. Records are left out:
 * they are read for the events that make the page only.
 */
export function tailSql(long: boolean, paging: boolean): string {
  return `SELECT ${eventColumns('', false)}
    FROM events ${long ? 'INDEXED BY events_time' : 'NOT INDEXED'}
    WHERE seq > @indexed AND event_time >= @start AND event_time <= @end ${paging ? 'AND (event_time, seq) < (@beforeTime, @beforeSeq)' : ''}
      AND account_id = @accountId AND region = @region AND category = @category
      AND CASE @attr
        WHEN '*' THEN 1
        WHEN 'EventId' THEN event_id = @value
        WHEN 'EventName' THEN event_name = @value
        WHEN 'EventSource' THEN event_source = @value
        WHEN 'ReadOnly' THEN iif(read_only, 'true', 'false') = @value
        WHEN 'Username' THEN username = @value AND username <> ''
        WHEN 'AccessKeyId' THEN access_key_id = @value AND access_key_id <> ''
        WHEN 'ResourceType' THEN EXISTS (SELECT 1 FROM json_each(resources) r WHERE r.value ->> 'type' = @value)
        WHEN 'ResourceName' THEN EXISTS (SELECT 1 FROM json_each(resources) r WHERE r.value ->> 'name' = @value)
        ELSE 0 END
    ORDER BY event_time DESC, seq DESC ${limitTo('@limit')}`;
}

/** The parameters of lookupSql for a query. */
export function lookupParams(q: LookupQuery): Record<string, string | number> {
  const value = q.attribute?.value ?? '';
  return {
    accountId: q.accountId,
    region: q.region,
    category: q.category,
    attr: q.attribute?.key ?? '*',
    value,
    hash: eventIdKey(value),
    start: Math.floor(q.startTime.getTime() / 1000),
    end: Math.floor(q.endTime.getTime() / 1000),
    beforeTime: q.before?.eventTime ?? 0,
    beforeSeq: q.before?.seq ?? 0,
    limit: q.limit,
  };
}

/**
 * The lookup keys of the journal's events in (@from, @to], as rows of temp.event_lookup_keys: the
 * keys lookupKeys (journal-index.ts) derives, in SQL so that indexing runs in SQLite without a
 * call per row (half the CPU of doing it row by row from JavaScript). A test checks that the two
 * agree. Event ids are indexed apart (event_ids).
 */
const EVENT_LOOKUP_KEYS = `
WITH ev AS (SELECT * FROM j.events WHERE seq > @from AND seq <= @to),
res AS (SELECT ev.*, r.value ->> 'type' AS type, r.value ->> 'name' AS name FROM ev, json_each(ev.resources) r)
INSERT INTO temp.event_lookup_keys
SELECT seq, event_time, account_id, region, category, '*', '' FROM ev
UNION ALL SELECT seq, event_time, account_id, region, category, 'EventName', event_name FROM ev
UNION ALL SELECT seq, event_time, account_id, region, category, 'EventSource', event_source FROM ev
UNION ALL SELECT seq, event_time, account_id, region, category, 'ReadOnly', iif(read_only, 'true', 'false') FROM ev
UNION ALL SELECT seq, event_time, account_id, region, category, 'Username', username FROM ev WHERE username IS NOT NULL AND username <> ''
UNION ALL SELECT seq, event_time, account_id, region, category, 'AccessKeyId', access_key_id FROM ev WHERE access_key_id IS NOT NULL AND access_key_id <> ''
UNION ALL SELECT seq, event_time, account_id, region, category, 'ResourceType', type FROM res WHERE type IS NOT NULL
UNION ALL SELECT seq, event_time, account_id, region, category, 'ResourceName', name FROM res WHERE name IS NOT NULL`;

/** Writes a file's changes to disk; a file that is not there (a WAL not made yet) has none. */
function flushToDisk(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The index's writer: one connection to the index file, with the journal attached for reading. */
export class EventIndexer {
  private readonly db: Database.Database;
  private readonly indexedSeq;
  private readonly setIndexedSeq;
  private readonly chunkEnd;
  private readonly lastSeq;
  private readonly collectKeys;
  private readonly numberKeys;
  private readonly insertKeys;
  private readonly insertEventIds;
  private readonly clearKeys;
  private readonly purgeKeys;
  private readonly purgeEventIds;

  /** Synced after each checkpoint (see checkpoint()). */
  private readonly flushedFiles: string[];

  constructor(indexFile: string, journalFile: string) {
    this.flushedFiles = [indexFile, `${indexFile}-wal`, `${journalFile}-wal`];
    this.db = new Database(indexFile);
    this.db.pragma('journal_mode = WAL');
    // The index is rebuilt from the journal after a power loss, so its commits need no sync.
    this.db.pragma('synchronous = OFF');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.db.prepare('ATTACH DATABASE ? AS j').run(journalFile);
    // The index's own WAL is checkpointed with the journal's (checkpoint()), not every 1,000
    // pages inside an indexing commit: the pages every commit rewrites (the newest rows of each
    // lookup key) are then copied once per checkpoint, not once per 1,000 pages (~3 µs less per
    // event). The autocheckpoint stays as a bound, for a WAL that lookups keep from resetting.
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.function('event_id_key', { deterministic: true }, (eventId: unknown) => eventIdKey(String(eventId)));
    this.db.exec(`CREATE TEMP TABLE event_lookup_keys (seq INTEGER, event_time INTEGER, account_id TEXT, region TEXT, category TEXT, attr TEXT, value TEXT)`);
    this.indexedSeq = this.db.prepare("SELECT value FROM index_state WHERE name = 'indexed_seq'").pluck();
    this.setIndexedSeq = this.db.prepare("UPDATE index_state SET value = ? WHERE name = 'indexed_seq'");
    this.chunkEnd = this.db.prepare(`SELECT max(seq) FROM (SELECT seq FROM j.events WHERE seq > ? ORDER BY seq ${limitTo('?')})`).pluck();
    this.lastSeq = this.db.prepare('SELECT coalesce(max(seq), 0) FROM j.events').pluck();
    this.collectKeys = this.db.prepare(EVENT_LOOKUP_KEYS);
    this.numberKeys = this.db.prepare(
      'INSERT OR IGNORE INTO lookup_keys (value, attr, account_id, region, category) SELECT DISTINCT value, attr, account_id, region, category FROM temp.event_lookup_keys',
    );
    // In the index's order, so that consecutive rows land on the same pages.
    this.insertKeys = this.db.prepare(
      `INSERT OR IGNORE INTO event_keys SELECT l.id, k.event_time, k.seq FROM temp.event_lookup_keys k JOIN lookup_keys l
         ON l.value = k.value AND l.attr = k.attr AND l.account_id = k.account_id AND l.region = k.region AND l.category = k.category
       ORDER BY 1, 2, 3`,
    );
    this.insertEventIds = this.db.prepare('INSERT OR IGNORE INTO event_ids SELECT event_id_key(event_id), seq FROM j.events WHERE seq > @from AND seq <= @to ORDER BY 1, 2');
    this.clearKeys = this.db.prepare('DELETE FROM temp.event_lookup_keys');
    // Rows whose event the retention purge deleted from the journal.
    const gone = (table: string) => `NOT EXISTS (SELECT 1 FROM j.events e WHERE e.seq = ${table}.seq)`;
    // Key by key, over the range of rows up to that time: the primary key starts with the key, so
    // a plain time condition would read the whole table.
    this.purgeKeys = this.db.prepare(
      `DELETE FROM event_keys WHERE (key_id, event_time, seq) IN (
         SELECT event_keys.key_id, event_keys.event_time, event_keys.seq FROM lookup_keys k CROSS JOIN event_keys ON event_keys.key_id = k.id AND event_keys.event_time <= ?
         WHERE ${gone('event_keys')})`,
    );
    this.purgeEventIds = this.db.prepare(`DELETE FROM event_ids WHERE ${gone('event_ids')}`);
    // An index ahead of its journal (a journal restored from a backup) indexes another history.
    if ((this.indexedSeq.get() as number) > (this.lastSeq.get() as number)) this.reset();
  }

  private reset(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM event_keys; DELETE FROM event_ids; DELETE FROM lookup_keys');
      this.setIndexedSeq.run(0);
    })();
  }

  /** Indexes up to `limit` events after the indexed ones; returns how many were not indexed before, and are left after. */
  indexPending(limit: number): { behind: number; left: number } {
    return this.db.transaction(() => {
      const from = this.indexedSeq.get() as number;
      const to = this.chunkEnd.get(from, limit) as number | null;
      if (to !== null) {
        this.collectKeys.run({ from, to });
        this.numberKeys.run();
        this.insertKeys.run();
        this.insertEventIds.run({ from, to });
        this.clearKeys.run();
        this.setIndexedSeq.run(to);
      }
      const last = this.lastSeq.get() as number;
      return { behind: last - from, left: last - (to ?? from) };
    })();
  }

  /** Deletes the rows of purged events up to `eventTime` (epoch seconds). */
  purge(eventTime: number): void {
    this.db.transaction(() => {
      this.purgeKeys.run(eventTime);
      this.purgeEventIds.run();
    })();
  }

  /**
   * Copies the journal's WAL, and the index's, into their database files. The journal's writer
   * leaves the bulk of this to the indexer (PASSIVE: it never waits for, nor blocks, readers or
   * the writer), so that the calls being recorded do not pay for it; the writer then copies the
   * frames committed meanwhile (see SqliteStore's walCopied).
   *
   * Then the index's files, written without syncs, and the frames the writer committed meanwhile
   * are written to disk here, off the main thread, before the writer copies the rest of the WAL
   * and syncs it there: with them still only in the kernel's cache, its copies took ~20% longer.
   * In interleaved A/B sets, audited CreateAccount throughput rose 12-16% (two sets of 8 rounds)
   * and its audited / unaudited ratio was 0.855 against 0.781 (10 rounds).
   *
   * Last, a second pass copies the frames committed during all that, so that the writer's rest
   * is only the last millisecond or two of frames. Its sync of the journal's file had to write
   * out a few hundred pages before, 8.5 ms at the median, and now ~1 ms: under CreateAccount
   * load, the main thread waited for syncs 1.2-1.6% of the time before and 0.45-0.55% after
   * (strace, 10 s, two runs each).
   */
  checkpoint(): void {
    this.db.pragma('j.wal_checkpoint(PASSIVE)');
    this.db.pragma('main.wal_checkpoint(PASSIVE)');
    for (const file of this.flushedFiles) flushToDisk(file);
    this.db.pragma('j.wal_checkpoint(PASSIVE)');
  }

  close(): void {
    this.db.close();
  }
}

export type IndexerRequest = { type: 'flush'; id: number } | { type: 'purged'; eventTime: number } | { type: 'stop' } | { type: 'close' };
export type IndexerReply =
  | { type: 'flushed'; id: number }
  | { type: 'checkpointed' }
  | { type: 'lagging'; events: number }
  | { type: 'error'; message: string; id?: number };

export interface IndexerData {
  indexFile: string;
  journalFile: string;
  /** Events behind at which a background indexer is replaced by one at normal priority (sqlite-indexer.ts). */
  lagLimit: number;
}

/**
 * A background indexer this far behind is starved of CPU. Lookups read the unindexed events from
 * the journal meanwhile; at ~5,000 calls a second this is two seconds of them.
 */
export const INDEX_LAG_LIMIT = 10_000;

/** The main thread's handle on the indexer worker; a worker that dies is started again. */
export class IndexerThread {
  private worker: Worker | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly flushes = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private nextId = 0;
  private closing: Promise<void> | undefined;
  /** Before the next restart; doubled while the worker keeps dying young (a data dir gone). */
  private restartDelay = 1000;
  /** Set while a lagging background worker stops: its successor starts at once. */
  private replacing = false;

  constructor(
    private readonly data: IndexerData,
    private readonly log: (message: string) => void,
    /** The indexer has copied the journal's WAL into its database file. */
    private readonly onCheckpoint: () => void,
  ) {
    this.start();
  }

  private start(): void {
    const started = Date.now();
    const worker = startWorker(new URL('./sqlite-indexer.ts', import.meta.url), this.data);
    this.worker = worker;
    // The worker never keeps the process alive: the journal holds the truth, the index catches up.
    worker.unref();
    worker.on('message', (m: IndexerReply) => {
      if (m.type === 'flushed') this.settle(m.id);
      else if (m.type === 'checkpointed') this.onCheckpoint();
      else if (m.type === 'lagging') {
        // A new thread starts at normal priority: one in the background may not leave it.
        this.log(`event history index: ${m.events} events behind while the CPUs were busy; indexing at normal priority until caught up`);
        this.replacing = true;
        worker.postMessage({ type: 'stop' } satisfies IndexerRequest);
      } else {
        this.log(`event history index: ${m.message}`);
        if (m.id !== undefined) this.settle(m.id, new Error(m.message));
      }
    });
    worker.on('error', (err) => this.log(`event history index: ${err.stack ?? String(err)}`));
    worker.on('exit', () => {
      this.worker = undefined;
      if (this.replacing && !this.closing) {
        this.replacing = false;
        this.start();
        // Who waited for the stopped worker is answered by its successor.
        for (const id of this.flushes.keys()) this.post({ type: 'flush', id });
        return;
      }
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
    if (!this.worker || this.closing) return Promise.reject(new Error('the indexer is not running'));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.flushes.set(id, { resolve, reject });
      this.post({ type: 'flush', id });
    });
  }

  private post(flush: IndexerRequest & { type: 'flush' }): void {
    // Held open while someone waits for the worker.
    this.worker!.ref();
    this.worker!.postMessage(flush);
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
