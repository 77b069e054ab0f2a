// The scale-out store: several opentrail processes share one PostgreSQL database. Write
// transactions are SERIALIZABLE and retried on serialization failures; journal appends take a
// transaction-scoped advisory lock so sequence numbers become visible in commit order, which is
// what lets a reader follow the journal with a cursor without ever skipping an event.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { DocKey, DocPage, DocStore, Journal, JournalEntry, LookupQuery, Store, StoredEvent, Tx } from './store.ts';
import { lookupKeys, rowLookupKeys, rowToEvent } from './journal-index.ts';
import type { EventRow } from './journal-index.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS docs (
  seq BIGSERIAL PRIMARY KEY,
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
  seq BIGSERIAL PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  category TEXT NOT NULL,
  event_time BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  event_name TEXT NOT NULL,
  event_source TEXT NOT NULL,
  username TEXT,
  access_key_id TEXT,
  read_only SMALLINT NOT NULL,
  resources TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_time ON events (event_time);
CREATE TABLE IF NOT EXISTS event_keys (
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  category TEXT NOT NULL,
  attr TEXT NOT NULL,
  value TEXT NOT NULL,
  event_time BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (account_id, region, category, attr, value, event_time, seq)
);
`;

/** Any advisory-lock key works as long as every process uses the same one. */
const JOURNAL_LOCK = 0x6f70656e74726c;
const SERIALIZATION_FAILURE = '40001';
const DEADLOCK = '40P01';
const MAX_ATTEMPTS = 8;

type Queryable = pg.Pool | pg.PoolClient;

/**
 * Every statement with parameters goes through here. PostgreSQL text cannot hold NUL (U+0000),
 * which a client may put in any name or id: each string bound has U+FFFD in its place, the same
 * when stored and when looked for, so such keys and resource names work (and `a\0b` is one key
 * with `a\uFFFDb`). Records and documents are JSON, where NUL is escaped and kept exactly.
 */
function query(db: Queryable, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  return db.query(sql, params.map(withoutNul));
}

/** Strings, and the strings of arrays bound whole (`unnest`), as PostgreSQL text can hold them. */
const withoutNul = (v: unknown): unknown => (typeof v === 'string' ? (v.includes('\0') ? v.replaceAll('\0', '\uFFFD') : v) : Array.isArray(v) ? v.map(withoutNul) : v);

/**
 * A b-tree row holds about 2,700 bytes, and a client may name a resource with kilobytes of text
 * (refused, the call is still recorded), or name a document so (a redacted message's id): a
 * longer value is indexed as its SHA-256, the same when written, looked for and purged, so such
 * events are recorded and found, and such documents stored and read.
 */
const MAX_INDEXED_BYTES = 2600;
const indexValue = (value: string, max = MAX_INDEXED_BYTES) => (Buffer.byteLength(value) > max ? `sha256:${createHash('sha256').update(value).digest('hex')}` : value);
/** A document's partition and id share one row of the (collection, partition, id) index. */
const MAX_KEY_PART_BYTES = 1200;
const keyPart = (value: string) => indexValue(value, MAX_KEY_PART_BYTES);
const keyParams = (key: DocKey) => [key.collection, keyPart(key.partition), keyPart(key.id)];

class PgDocs implements DocStore {
  constructor(private readonly db: Queryable) {}
  async get<T>(key: DocKey): Promise<T | undefined> {
    const r = await query(this.db, 'SELECT body FROM docs WHERE collection = $1 AND partition = $2 AND id = $3', keyParams(key));
    return r.rows.length ? (JSON.parse(r.rows[0].body) as T) : undefined;
  }
  async put<T>(key: DocKey, doc: T, index: string | null = null): Promise<void> {
    await query(
      this.db,
      `INSERT INTO docs (collection, partition, id, ikey, body) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (collection, partition, id) DO UPDATE SET ikey = excluded.ikey, body = excluded.body`,
      [...keyParams(key), index === null ? null : indexValue(index), JSON.stringify(doc)],
    );
  }
  async delete(key: DocKey): Promise<boolean> {
    const r = await query(this.db, 'DELETE FROM docs WHERE collection = $1 AND partition = $2 AND id = $3', keyParams(key));
    return (r.rowCount ?? 0) > 0;
  }
  async list<T>(collection: string, partition: string, opts: { after?: number; limit: number }): Promise<DocPage<T>> {
    const r = await query(this.db, 'SELECT seq, body FROM docs WHERE collection = $1 AND partition = $2 AND seq > $3 ORDER BY seq LIMIT $4', [
      collection,
      keyPart(partition),
      opts.after ?? 0,
      opts.limit + 1,
    ]);
    const items = r.rows.slice(0, opts.limit).map((row) => JSON.parse(row.body) as T);
    return { items, next: r.rows.length > opts.limit ? Number(r.rows[opts.limit - 1].seq) : undefined };
  }
  async findByIndex<T>(collection: string, index: string, partition?: string): Promise<T[]> {
    const r =
      partition === undefined
        ? await query(this.db, 'SELECT body FROM docs WHERE collection = $1 AND ikey = $2 ORDER BY seq', [collection, indexValue(index)])
        : await query(this.db, 'SELECT body FROM docs WHERE collection = $1 AND ikey = $2 AND partition = $3 ORDER BY seq', [collection, indexValue(index), keyPart(partition)]);
    return r.rows.map((row) => JSON.parse(row.body) as T);
  }
  async count(collection: string, partition: string): Promise<number> {
    const r = await query(this.db, 'SELECT count(*)::int AS n FROM docs WHERE collection = $1 AND partition = $2', [collection, keyPart(partition)]);
    return r.rows[0].n as number;
  }
}

class PgJournal implements Journal {
  constructor(
    private readonly db: Queryable,
    private readonly inTransaction: boolean,
  ) {}
  async append(entry: JournalEntry): Promise<number> {
    if (!this.inTransaction) throw new Error('journal appends need a write transaction');
    // Held until commit: events become visible in sequence order across processes.
    await query(this.db, 'SELECT pg_advisory_xact_lock($1)', [JOURNAL_LOCK]);
    const t = Math.floor(entry.eventTime.getTime() / 1000);
    const r = await query(
      this.db,
      `INSERT INTO events (account_id, region, category, event_time, event_id, event_name, event_source, username, access_key_id, read_only, resources, record)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq`,
      [
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
      ],
    );
    const seq = Number(r.rows[0].seq);
    const keys = lookupKeys(entry);
    const values: unknown[] = [];
    const tuples = keys.map(([attr, value], i) => {
      values.push(entry.accountId, entry.region, entry.category, attr, indexValue(value), t, seq);
      const b = i * 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
    });
    await query(this.db, `INSERT INTO event_keys VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`, values);
    return seq;
  }
  async lookup(q: LookupQuery): Promise<StoredEvent[]> {
    const args: unknown[] = [
      q.accountId,
      q.region,
      q.category,
      q.attribute?.key ?? '*',
      indexValue(q.attribute?.value ?? ''),
      Math.floor(q.startTime.getTime() / 1000),
      Math.floor(q.endTime.getTime() / 1000),
    ];
    let after = '';
    if (q.before) {
      args.push(q.before.eventTime, q.before.seq);
      after = 'AND (k.event_time, k.seq) < ($8, $9)';
    }
    args.push(q.limit);
    const r = await query(
      this.db,
      `SELECT e.* FROM event_keys k JOIN events e ON e.seq = k.seq
       WHERE k.account_id = $1 AND k.region = $2 AND k.category = $3 AND k.attr = $4 AND k.value = $5
         AND k.event_time >= $6 AND k.event_time <= $7 ${after}
       ORDER BY k.event_time DESC, k.seq DESC LIMIT $${args.length}`,
      args,
    );
    return (r.rows as EventRow[]).map(rowToEvent);
  }
  async readAfter(after: number, limit: number): Promise<StoredEvent[]> {
    const r = await query(this.db, 'SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [after, limit]);
    return (r.rows as EventRow[]).map(rowToEvent);
  }
  async lastSeq(): Promise<number> {
    const r = await query(this.db, 'SELECT coalesce(max(seq), 0) AS seq FROM events');
    return Number(r.rows[0].seq);
  }
  async purge(cutoff: Date, keepFrom = Number.MAX_SAFE_INTEGER, limit = Infinity): Promise<number> {
    const gone = await query(
      this.db,
      `DELETE FROM events WHERE seq IN (
         SELECT seq FROM events WHERE event_time < $1 AND seq < $2 ORDER BY event_time, seq LIMIT $3)
       RETURNING seq, account_id, region, category, event_time, event_id, event_name, event_source, username, access_key_id, read_only, resources`,
      [Math.floor(cutoff.getTime() / 1000), keepFrom, Number.isFinite(limit) ? limit : null],
    );
    // Their index rows, by the whole primary key the append wrote them under: the table is
    // ordered by key, so rows found by event would mean reading all of it.
    const columns: unknown[][] = [[], [], [], [], [], [], []];
    for (const row of gone.rows as Omit<EventRow, 'record'>[]) {
      for (const [attr, value] of rowLookupKeys(row)) {
        [row.account_id, row.region, row.category, attr, indexValue(value), row.event_time, row.seq].forEach((v, i) => columns[i].push(v));
      }
    }
    if (columns[0].length) {
      await query(
        this.db,
        `DELETE FROM event_keys WHERE (account_id, region, category, attr, value, event_time, seq) IN (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[]))`,
        columns,
      );
    }
    return gone.rowCount ?? 0;
  }
}

export class PostgresStore implements Store {
  private readonly pool: pg.Pool;
  private readonly readTx: Tx;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(pool: pg.Pool) {
    this.pool = pool;
    this.readTx = { docs: new PgDocs(pool), journal: new PgJournal(pool, false) };
  }

  static async open(connectionString: string, log: (message: string) => void = (m) => console.error(m)): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString, max: 10 });
    // An idle connection that PostgreSQL ends (a restart, a failover) is reported here; unheard,
    // the error would stop the process. The pool opens a new connection when one is next needed.
    pool.on('error', (err) => log(`PostgreSQL ended an idle connection: ${err.message}`));
    const client = await pool.connect();
    try {
      // Several processes may start at once: create the schema under a lock.
      await client.query('SELECT pg_advisory_lock($1)', [JOURNAL_LOCK + 1]);
      await client.query(SCHEMA);
      await client.query('SELECT pg_advisory_unlock($1)', [JOURNAL_LOCK + 1]);
    } finally {
      client.release();
    }
    return new PostgresStore(pool);
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(this.readTx);
  }

  /**
   * Write transactions of this process run one at a time (as with SQLite), so conflicts can only
   * come from other processes; those are retried with jittered backoff.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const run = () => this.attempt(fn);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  append(entry: JournalEntry): Promise<number> {
    return this.write((tx) => tx.journal.append(entry));
  }

  private async attempt<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        const result = await fn({ docs: new PgDocs(client), journal: new PgJournal(client, true) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (err as { code?: string }).code;
        if ((code === SERIALIZATION_FAILURE || code === DEADLOCK) && attempt < MAX_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));
          continue;
        }
        throw err;
      } finally {
        client.release();
      }
    }
  }

  async close(): Promise<void> {
    await this.queue;
    await this.pool.end();
  }
}
