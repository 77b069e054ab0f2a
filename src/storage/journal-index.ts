// What the SQL stores share about the journal: the rows of Event history's index derived from an
// event, and the mapping of an events row back to a StoredEvent.
import type { JournalEntry, StoredEvent } from './store.ts';

export interface EventRow {
  seq: number;
  account_id: string;
  region: string;
  category: string;
  event_time: number;
  event_id: string;
  event_name: string;
  event_source: string;
  username: string | null;
  access_key_id: string | null;
  read_only: number;
  resources: string;
  record: string;
}

/** What Event history finds an event by. */
export type LookupFields = Pick<JournalEntry, 'eventId' | 'eventName' | 'eventSource' | 'readOnly' | 'username' | 'accessKeyId' | 'resources'>;

export function lookupKeys(entry: LookupFields): [string, string][] {
  const keys: [string, string][] = [
    ['*', ''],
    ['EventId', entry.eventId],
    ['EventName', entry.eventName],
    ['EventSource', entry.eventSource],
    ['ReadOnly', String(entry.readOnly)],
  ];
  if (entry.username) keys.push(['Username', entry.username]);
  if (entry.accessKeyId) keys.push(['AccessKeyId', entry.accessKeyId]);
  for (const r of entry.resources) {
    keys.push(['ResourceType', r.type], ['ResourceName', r.name]);
  }
  // A resource type or name repeated in one event is indexed once.
  return [...new Map(keys.map((k) => [`${k[0]}\u0000${k[1]}`, k])).values()];
}

/** What an events row is found by. */
export function rowLookupKeys(row: Omit<EventRow, 'record'>): [string, string][] {
  return lookupKeys({
    eventId: row.event_id,
    eventName: row.event_name,
    eventSource: row.event_source,
    readOnly: row.read_only === 1 || (row.read_only as unknown) === true,
    username: row.username ?? undefined,
    accessKeyId: row.access_key_id ?? undefined,
    resources: JSON.parse(row.resources),
  });
}

/** An events row's values but its record, in the tables' column order (SQLite's raw rows are arrays). */
export type EventMeta = [
  seq: number,
  account_id: string,
  region: string,
  category: string,
  event_time: number,
  event_id: string,
  event_name: string,
  event_source: string,
  username: string | null,
  access_key_id: string | null,
  read_only: number,
  resources: string,
];
/** An events row's values, in the tables' column order. */
export type EventColumns = [...EventMeta, record: string];
/** The columns of EventColumns, in its order: raw rows are read by naming them, never with `*`. */
export const EVENT_COLUMNS = [
  'seq',
  'account_id',
  'region',
  'category',
  'event_time',
  'event_id',
  'event_name',
  'event_source',
  'username',
  'access_key_id',
  'read_only',
  'resources',
  'record',
] as const;

/** A row read by column name (PostgreSQL), through the same mapping as raw rows. */
export const rowToEvent = (row: EventRow): StoredEvent => columnsToEvent(EVENT_COLUMNS.map((c) => row[c]) as EventColumns);

export function columnsToEvent([seq, accountId, region, category, eventTime, eventId, eventName, eventSource, username, accessKeyId, readOnly, resources, record]: EventColumns): StoredEvent {
  return {
    seq: Number(seq),
    accountId,
    region,
    category: category as StoredEvent['category'],
    eventTime: new Date(Number(eventTime) * 1000),
    eventId,
    eventName,
    eventSource,
    username: username ?? undefined,
    accessKeyId: accessKeyId ?? undefined,
    readOnly: readOnly === 1 || (readOnly as unknown) === true,
    resources: JSON.parse(resources),
    record,
  };
}
