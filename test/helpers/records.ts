// Helpers for reading what opentrail recorded, through the official clients only.
import assert from 'node:assert/strict';
import { paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient, Event, LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';

/** Every event a query returns, all pages, newest first. */
export async function lookupAll(client: CloudTrailClient, input: LookupEventsCommandInput = {}, pageSize?: number): Promise<Event[]> {
  const events: Event[] = [];
  // The paginator writes NextToken into the input it is given: give it a copy.
  for await (const page of paginateLookupEvents({ client, pageSize }, { ...input })) events.push(...(page.Events ?? []));
  return events;
}

export const recordOf = (e: Event): Record<string, any> => JSON.parse(e.CloudTrailEvent!);

/** The one record of a request, found by its x-amzn-RequestId. */
export async function recordOfRequest(client: CloudTrailClient, requestId: string, input: LookupEventsCommandInput = {}): Promise<Record<string, any>> {
  const matches = (await lookupAll(client, input)).map(recordOf).filter((r) => r.requestID === requestId);
  assert.equal(matches.length, 1, `exactly one record of request ${requestId}`);
  return matches[0];
}

/** Captures the User-Agent header each request of a client actually carried. */
export function captureUserAgents(client: { middlewareStack: { add: Function } }): string[] {
  const seen: string[] = [];
  client.middlewareStack.add(
    (next: (args: any) => Promise<unknown>) => async (args: { request: { headers: Record<string, string> } }) => {
      seen.push(args.request.headers['user-agent']);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'captureUserAgent' },
  );
  return seen;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Event ids are UUIDv7: the time in milliseconds, then random bits. */
export const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const eventIdTime = (eventId: string) => parseInt(eventId.slice(0, 8) + eventId.slice(9, 13), 16);
export const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
