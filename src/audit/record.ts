// The one place where CloudTrail records are built. The pipeline calls it for every call of
// every service, successful or not; no handler writes its own record.
import { newEventId } from './event-id.ts';
import { isoSeconds } from '../aws/timestamps.ts';
import type { Principal } from '../iam/principal.ts';
import type { TlsInfo } from '../aws/request.ts';
import type { EventCategory, JournalEntry, LookupResource } from '../storage/store.ts';
import { lookupUsername, userIdentity } from './user-identity.ts';

export const EVENT_VERSION = '1.11';
const KB = 1024;

export interface CallFacts {
  principal: Principal;
  eventSource: string;
  eventName: string;
  eventType?: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsConsoleAction' | 'AwsServiceEvent';
  awsRegion: string;
  recipientAccountId: string;
  eventTime: Date;
  sourceIPAddress: string;
  userAgent?: string;
  readOnly: boolean;
  requestParameters: unknown;
  responseElements: unknown;
  /** A console sign-in failure has a message and no code. */
  error?: { code?: string; message: string };
  additionalEventData?: Record<string, unknown>;
  /** Absent for console sign-in, which has no API request. */
  requestId?: string;
  tls?: TlsInfo;
  /** ARNs for the record's `resources` element. */
  recordResources?: { ARN: string; accountId: string; type: string }[];
  /** Resources as Event history shows and finds them. */
  lookupResources?: LookupResource[];
  category?: EventCategory;
}

const cap = (s: string | undefined, n: number) => (s === undefined ? undefined : s.length > n ? s.slice(0, n) : s);

const LIMIT = 100 * KB;
type Element = 'requestParameters' | 'responseElements';
const over100KB = (value: unknown) => value !== undefined && value !== null && JSON.stringify(value).length > LIMIT;

/** `dropped`: elements over CloudTrail's 100 KB limit, recorded as null and said so in additionalEventData. */
function buildRecord(f: CallFacts, eventId: string, dropped: ReadonlySet<Element>): Record<string, unknown> {
  const notes: Record<string, unknown> = { ...f.additionalEventData };
  for (const name of dropped) notes[`${name}Truncated`] = true;
  // A sign-in states its outcome, Success or Failure, in responseElements.
  const failed = f.error && f.eventType !== 'AwsConsoleSignIn';
  const session = 'session' in f.principal ? f.principal.session : undefined;
  // Members left undefined are left out of the JSON.
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentity(f.principal),
    eventTime: isoSeconds(f.eventTime),
    eventSource: f.eventSource,
    eventName: f.eventName,
    awsRegion: f.awsRegion,
    sourceIPAddress: f.sourceIPAddress,
    userAgent: cap(f.userAgent, KB),
    errorCode: cap(f.error?.code, KB),
    errorMessage: cap(f.error?.message, KB),
    requestParameters: dropped.has('requestParameters') ? null : (f.requestParameters ?? null),
    responseElements: failed || f.readOnly || dropped.has('responseElements') ? null : (f.responseElements ?? null),
    additionalEventData: Object.keys(notes).length ? notes : undefined,
    requestID: f.requestId,
    eventID: eventId,
    readOnly: f.readOnly,
    resources: f.recordResources?.length ? f.recordResources : undefined,
    eventType: f.eventType ?? 'AwsApiCall',
    managementEvent: (f.category ?? 'Management') === 'Management',
    recipientAccountId: f.recipientAccountId,
    eventCategory: f.category ?? 'Management',
    tlsDetails: f.tls,
    sessionCredentialFromConsole: session?.fromConsole ? 'true' : undefined,
  };
}

/** The record as JSON, serialized once unless it is so large that an element may be over the limit. */
function serialize(f: CallFacts, eventId: string): { record: Record<string, unknown>; json: string } {
  let record = buildRecord(f, eventId, new Set());
  let json = JSON.stringify(record);
  if (json.length > LIMIT) {
    const dropped = new Set<Element>();
    if (over100KB(record.requestParameters)) dropped.add('requestParameters');
    if (over100KB(record.responseElements)) dropped.add('responseElements');
    if (dropped.size) {
      record = buildRecord(f, eventId, dropped);
      json = JSON.stringify(record);
    }
  }
  return { record, json };
}

/** The record and the values Event history indexes, ready for the journal. */
export function journalEntry(f: CallFacts): JournalEntry {
  // Made at the event's time, so that the id tells when to look for it (Lookups, sqlite.ts).
  const eventId = newEventId(f.eventTime.getTime());
  const { record, json } = serialize(f, eventId);
  const identity = record.userIdentity as { accessKeyId?: string };
  return {
    accountId: f.recipientAccountId,
    region: f.awsRegion,
    eventId,
    eventTime: f.eventTime,
    eventName: f.eventName,
    eventSource: f.eventSource,
    username: lookupUsername(f.principal),
    accessKeyId: identity.accessKeyId || undefined,
    readOnly: f.readOnly,
    category: f.category ?? 'Management',
    resources: f.lookupResources ?? f.recordResources?.map((r) => ({ type: r.type, name: r.ARN })) ?? [],
    record: json,
  };
}

