// The storage boundary. Handlers see only these interfaces, so the embedded SQLite store and the
// PostgreSQL store are interchangeable. State is a set of JSON documents; the event journal is an
// append-only, sequence-numbered table with the lookup index of Event history beside it.

export interface Store {
  /** A read-only view of committed state. */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** A serializable read-write transaction: all of fn's writes commit together, or none do. */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Commits the record of a call that changed nothing (a read, a refusal); resolves with its sequence number. */
  append(entry: JournalEntry): Promise<number>;
  close(): Promise<void>;
}

export interface Tx {
  docs: DocStore;
  journal: Journal;
}

export interface DocKey {
  collection: string;
  /** Scope of listing, e.g. the AWS account or the parent resource. */
  partition: string;
  id: string;
}

export interface DocPage<T> {
  items: T[];
  /** Position after the last item, for the next page; absent at the end. */
  next?: number;
}

export interface DocStore {
  get<T>(key: DocKey): Promise<T | undefined>;
  /** Inserts or replaces. `index` is a secondary lookup value (e.g. a lower-cased email). */
  put<T>(key: DocKey, doc: T, index?: string | null): Promise<void>;
  delete(key: DocKey): Promise<boolean>;
  /** Documents of a partition in insertion order, starting after position `after`. */
  list<T>(collection: string, partition: string, opts: { after?: number; limit: number }): Promise<DocPage<T>>;
  /** Documents of a collection whose index value equals `index`, optionally within a partition. */
  findByIndex<T>(collection: string, index: string, partition?: string): Promise<T[]>;
  count(collection: string, partition: string): Promise<number>;
}

/** A resource as Event history shows it (LookupEvents `Resources`). */
export interface LookupResource {
  type: string;
  name: string;
}

/** One record as it enters the journal, with the values Event history indexes. */
export interface JournalEntry {
  accountId: string;
  region: string;
  eventId: string;
  eventTime: Date;
  eventName: string;
  eventSource: string;
  username?: string;
  accessKeyId?: string;
  readOnly: boolean;
  category: EventCategory;
  resources: LookupResource[];
  /** The CloudTrail record, serialized once, exactly as it will be delivered. */
  record: string;
}

export type EventCategory = 'Management' | 'Data' | 'Insight';

export type LookupAttributeKey =
  | 'EventId'
  | 'EventName'
  | 'ReadOnly'
  | 'Username'
  | 'ResourceType'
  | 'ResourceName'
  | 'EventSource'
  | 'AccessKeyId';

export interface LookupQuery {
  accountId: string;
  region: string;
  category: EventCategory;
  attribute?: { key: LookupAttributeKey; value: string };
  startTime: Date;
  endTime: Date;
  limit: number;
  /** Continue strictly after this position (newest first). */
  before?: { eventTime: number; seq: number };
}

export interface StoredEvent extends JournalEntry {
  seq: number;
}

export interface Journal {
  append(entry: JournalEntry): Promise<number>;
  /** Newest first. */
  lookup(query: LookupQuery): Promise<StoredEvent[]>;
  /** Events after sequence number `after`, in sequence order (trail delivery follows the journal). */
  readAfter(after: number, limit: number): Promise<StoredEvent[]>;
  /** The sequence number of the newest event (0 when the journal is empty). */
  lastSeq(): Promise<number>;
  /**
   * Deletes events older than `cutoff`, except those from sequence number `keepFrom` on, the
   * oldest first and at most `limit` of them; returns how many.
   */
  purge(cutoff: Date, keepFrom?: number, limit?: number): Promise<number>;
}
