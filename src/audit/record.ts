// The one place where CloudTrail records are built. The pipeline calls it for every call of
// every service, successful or not; no handler writes its own record.
import { randomUUID } from 'node:crypto';
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

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const cap = (s: string | undefined, n: number) => (s === undefined ? undefined : s.length > n ? s.slice(0, n) : s);

/** A parameters or response object over CloudTrail's 100 KB limit is dropped, and said so. */
function within100KB(value: unknown, name: string, notes: Record<string, unknown>): unknown {
  if (value === undefined || value === null) return null;
  if (JSON.stringify(value).length <= 100 * KB) return value;
  notes[`${name}Truncated`] = true;
  return null;
}

export function buildRecord(f: CallFacts): { record: Record<string, unknown>; eventId: string } {
  const eventId = randomUUID();
  const notes: Record<string, unknown> = { ...f.additionalEventData };
  const requestParameters = within100KB(f.requestParameters, 'requestParameters', notes);
  // A sign-in states its outcome, Success or Failure, in responseElements.
  const failed = f.error && f.eventType !== 'AwsConsoleSignIn';
  const responseElements = failed || f.readOnly ? null : within100KB(f.responseElements, 'responseElements', notes);
  const session = 'session' in f.principal ? f.principal.session : undefined;
  const record: Record<string, unknown> = {
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
    requestParameters,
    responseElements,
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
  for (const k of Object.keys(record)) if (record[k] === undefined) delete record[k];
  return { record, eventId };
}

/** The record and the values Event history indexes, ready for the journal. */
export function journalEntry(f: CallFacts): JournalEntry {
  const { record, eventId } = buildRecord(f);
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
    record: JSON.stringify(record),
  };
}

