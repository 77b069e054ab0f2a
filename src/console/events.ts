// Event history for the console. Pages come from LookupEvents, called as the session (so each
// look is itself audited and authorized). The chart, live updates and downloads read the same
// journal index directly, in bigger steps, once the session has been allowed LookupEvents in
// that region: a download of a million events is not twenty thousand API calls.
import type { Store, StoredEvent, LookupAttributeKey } from '../storage/store.ts';
import { LOOKUP_ATTRIBUTE_KEYS } from '../services/cloudtrail/lookup-events.ts';
import { isRegionName } from '../aws/sigv4.ts';
import type { BrowserFacts, ConsoleApi } from './api-client.ts';
import { csvLine } from './csv.ts';
import type { Session } from './sessions.ts';

export interface EventFilter {
  region: string;
  attribute?: { key: LookupAttributeKey; value: string };
  start: Date;
  end: Date;
  /** Leave read-only events out. */
  hideReadOnly: boolean;
}

export interface EventRow {
  eventId: string;
  eventTime: string;
  eventName: string;
  username?: string;
  eventSource: string;
  resources: { type: string; name: string }[];
  errorCode?: string;
  readOnly: boolean;
  accessKeyId?: string;
  record: string;
}

const DAY = 86400_000;
const MINUTE = 60_000;
const PAGE = 50;
/** API pages read at most to fill one console page when read-only events are hidden. */
const MAX_CALLS = 10;
const CHART_MINUTES = 60;
const CHART_MAX_EVENTS = 5000;
const AUTHORIZED_MS = 10 * MINUTE;

export class BadFilter extends Error {}

function time(value: string | undefined, fallback: number): Date {
  if (!value) return new Date(fallback);
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(t)) throw new BadFilter(`'${value.slice(0, 40)}' is not a time`);
  return new Date(t);
}

/** The filter of a console URL (`region`, `key`, `value`, `start`, `end` in epoch ms, `hideReadOnly`). */
export function parseFilter(q: Record<string, string | undefined>, retentionDays: number, now = Date.now()): EventFilter {
  const region = q.region || 'us-east-1';
  if (!isRegionName(region)) throw new BadFilter('region is not a region name');
  const key = q.key as LookupAttributeKey | undefined;
  if (key && !LOOKUP_ATTRIBUTE_KEYS.includes(key)) throw new BadFilter('key is not a lookup attribute');
  const value = q.value ?? '';
  if (value.length > 2000) throw new BadFilter('value is longer than 2000 characters');
  const start = time(q.start, now - retentionDays * DAY);
  const end = time(q.end, now);
  if (start > end) throw new BadFilter('the start time is after the end time');
  return { region, attribute: key && value ? { key, value } : undefined, start, end, hideReadOnly: q.hideReadOnly === '1' };
}

export class ConsoleEvents {
  /** Sessions recently allowed LookupEvents, by session id and region. */
  private readonly allowed = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly api: ConsoleApi,
  ) {}

  /** One page, newest first, through LookupEvents. */
  async page(session: Session, filter: EventFilter, token: string | undefined, browser: BrowserFacts): Promise<{ events: EventRow[]; nextToken?: string }> {
    const attribute = this.apiAttribute(filter);
    const rows: EventRow[] = [];
    let next = token;
    for (let calls = 0; calls < MAX_CALLS; calls++) {
      const out = (await this.api.call(
        'cloudtrail',
        'LookupEvents',
        {
          ...(attribute ? { LookupAttributes: [{ AttributeKey: attribute.key, AttributeValue: attribute.value }] } : {}),
          StartTime: filter.start.getTime() / 1000,
          EndTime: filter.end.getTime() / 1000,
          MaxResults: PAGE,
          ...(next ? { NextToken: next } : {}),
        },
        session.credentials,
        browser,
        filter.region,
      )) as { Events?: LookupEventOut[]; NextToken?: string };
      this.allowed.set(`${session.id} ${filter.region}`, Date.now() + AUTHORIZED_MS);
      rows.push(...(out.Events ?? []).map(fromLookupEvent).filter((e) => !filter.hideReadOnly || !e.readOnly));
      next = out.NextToken;
      if (!next || rows.length >= PAGE / 2) break;
    }
    return { events: rows, nextToken: next };
  }

  /** Events per minute (errors apart) over the last hour of the filter's range. */
  async chart(session: Session, filter: EventFilter, browser: BrowserFacts) {
    await this.authorize(session, filter, browser);
    const end = Math.ceil(filter.end.getTime() / MINUTE) * MINUTE;
    const start = Math.max(filter.start.getTime(), end - CHART_MINUTES * MINUTE);
    const first = Math.floor(start / MINUTE) * MINUTE;
    const buckets = Array.from({ length: Math.max(1, (end - first) / MINUTE) }, (_, i) => ({ t: first + i * MINUTE, total: 0, errors: 0 }));
    const events = await this.read(session, filter, { start: new Date(start), limit: CHART_MAX_EVENTS });
    for (const e of events) {
      const b = buckets[Math.floor((e.eventTime.getTime() - first) / MINUTE)];
      if (!b) continue;
      b.total++;
      if (errorCodeOf(e.record)) b.errors++;
    }
    return { buckets, truncated: events.length === CHART_MAX_EVENTS };
  }

  /**
   * Events newer than journal position `after` (at most a page), and the newest position. The
   * first poll (no `after`) returns the recent events, so that none that arrived between the page
   * and the poll is missed; the browser drops those it already shows.
   */
  async live(session: Session, filter: EventFilter, after: number | undefined, browser: BrowserFacts) {
    await this.authorize(session, filter, browser);
    const recent = await this.read(session, { ...filter, end: new Date(Date.now() + MINUTE) }, { start: new Date(Date.now() - 5 * MINUTE), limit: PAGE });
    const latest = Math.max(after ?? 0, ...recent.map((e) => e.seq));
    return { latest, events: recent.filter((e) => after === undefined || e.seq > after).map(fromStored) };
  }

  /** Every matching event, newest first, as CSV or as a CloudTrail log file ({"Records": [...]}). */
  async *download(session: Session, filter: EventFilter, format: 'csv' | 'json', browser: BrowserFacts): AsyncGenerator<string> {
    await this.authorize(session, filter, browser);
    yield format === 'csv' ? csvLine(CSV_HEADER) : '{"Records":[';
    let before: { eventTime: number; seq: number } | undefined;
    let first = true;
    for (;;) {
      const events = await this.read(session, filter, { limit: 1000, before });
      if (events.length === 0) break;
      yield events.map((e) => (format === 'csv' ? csvLine(csvRow(e)) : `${first ? ((first = false), '') : ','}\n${e.record}`)).join('');
      const last = events[events.length - 1];
      before = { eventTime: Math.floor(last.eventTime.getTime() / 1000), seq: last.seq };
    }
    if (format === 'json') yield '\n]}\n';
  }

  private apiAttribute(filter: EventFilter) {
    return filter.attribute ?? (filter.hideReadOnly ? { key: 'ReadOnly' as const, value: 'false' } : undefined);
  }

  /** Direct journal reads are for sessions LookupEvents allows; one audited call checks it. */
  private async authorize(session: Session, filter: EventFilter, browser: BrowserFacts) {
    const key = `${session.id} ${filter.region}`;
    if ((this.allowed.get(key) ?? 0) > Date.now()) return;
    await this.api.call('cloudtrail', 'LookupEvents', { MaxResults: 1 }, session.credentials, browser, filter.region);
    if (this.allowed.size > 10_000) this.allowed.clear();
    this.allowed.set(key, Date.now() + AUTHORIZED_MS);
  }

  private async read(session: Session, filter: EventFilter, opts: { start?: Date; limit: number; before?: { eventTime: number; seq: number } }): Promise<StoredEvent[]> {
    const attribute = this.apiAttribute(filter);
    const events = await this.store.read((tx) =>
      tx.journal.lookup({
        accountId: session.accountId,
        region: filter.region,
        category: 'Management',
        attribute,
        startTime: opts.start ?? filter.start,
        endTime: filter.end,
        limit: opts.limit,
        before: opts.before,
      }),
    );
    return filter.hideReadOnly && attribute?.key !== 'ReadOnly' ? events.filter((e) => !e.readOnly) : events;
  }
}

interface LookupEventOut {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId?: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  Resources?: { ResourceType: string; ResourceName: string }[];
  CloudTrailEvent: string;
}

function errorCodeOf(record: string): string | undefined {
  // Most records have no error: skip the parse for them.
  return record.includes('"errorCode"') ? (JSON.parse(record) as { errorCode?: string }).errorCode : undefined;
}

function fromLookupEvent(e: LookupEventOut): EventRow {
  return {
    eventId: e.EventId,
    eventTime: new Date(e.EventTime * 1000).toISOString(),
    eventName: e.EventName,
    username: e.Username,
    eventSource: e.EventSource,
    resources: (e.Resources ?? []).map((r) => ({ type: r.ResourceType, name: r.ResourceName })),
    errorCode: errorCodeOf(e.CloudTrailEvent),
    readOnly: e.ReadOnly === 'true',
    accessKeyId: e.AccessKeyId,
    record: e.CloudTrailEvent,
  };
}

function fromStored(e: StoredEvent): EventRow {
  return {
    eventId: e.eventId,
    eventTime: e.eventTime.toISOString(),
    eventName: e.eventName,
    username: e.username,
    eventSource: e.eventSource,
    resources: e.resources,
    errorCode: errorCodeOf(e.record),
    readOnly: e.readOnly,
    accessKeyId: e.accessKeyId,
    record: e.record,
  };
}

const CSV_HEADER = ['Event ID', 'Event time', 'User name', 'Event name', 'Event source', 'Resource type', 'Resource name', 'Error code', 'Read-only', 'AWS access key', 'Source IP address', 'User agent', 'AWS region'];

function csvRow(e: StoredEvent): unknown[] {
  const r = JSON.parse(e.record) as { errorCode?: string; sourceIPAddress?: string; userAgent?: string; awsRegion?: string };
  return [
    e.eventId,
    e.eventTime.toISOString(),
    e.username,
    e.eventName,
    e.eventSource,
    e.resources.map((x) => x.type).join(', '),
    e.resources.map((x) => x.name).join(', '),
    r.errorCode,
    e.readOnly,
    e.accessKeyId,
    r.sourceIPAddress,
    r.userAgent,
    r.awsRegion,
  ];
}
