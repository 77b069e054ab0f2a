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

export function rowToEvent(row: EventRow): StoredEvent {
  return {
    seq: Number(row.seq),
    accountId: row.account_id,
    region: row.region,
    category: row.category as StoredEvent['category'],
    eventTime: new Date(Number(row.event_time) * 1000),
    eventId: row.event_id,
    eventName: row.event_name,
    eventSource: row.event_source,
    username: row.username ?? undefined,
    accessKeyId: row.access_key_id ?? undefined,
    readOnly: row.read_only === 1 || (row.read_only as unknown) === true,
    resources: JSON.parse(row.resources),
    record: row.record,
  };
}

