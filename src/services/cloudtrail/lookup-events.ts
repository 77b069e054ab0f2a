// LookupEvents: Event history, read straight from the journal's index.
import type { LookupEventsRequest, LookupEventsResponse } from '@aws-sdk/client-cloudtrail';
import { PageTokens } from '../../aws/pagination.ts';
import { integer, list, required, string, structure, timestamp } from '../../aws/shapes.ts';
import type { LookupAttributeKey, StoredEvent } from '../../storage/store.ts';
import { defineOperation } from '../service.ts';
import { InvalidLookupAttributesException, InvalidNextTokenException, InvalidTimeRangeException } from './errors.ts';

export const LOOKUP_ATTRIBUTE_KEYS: readonly LookupAttributeKey[] = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
];

const DAY = 86400_000;

/** Where the next page starts, and the window (epoch ms) the first page resolved. */
interface PagePosition {
  eventTime: number;
  seq: number;
  start: number;
  end: number;
}

export const LookupEvents = defineOperation<LookupEventsRequest, LookupEventsResponse>({
  name: 'LookupEvents',
  readOnly: true,
  input: structure({
    LookupAttributes: list(
      structure({
        AttributeKey: required(string({ enum: LOOKUP_ATTRIBUTE_KEYS })),
        AttributeValue: required(string({ min: 1, max: 2000 })),
      }),
    ),
    StartTime: timestamp(),
    EndTime: timestamp(),
    EventCategory: string({ enum: ['insight'] }),
    MaxResults: integer({ min: 1, max: 50 }),
    NextToken: string(),
  }),
  async handler(ctx, input) {
    const attributes = input.LookupAttributes ?? [];
    if (attributes.length > 1) {
      throw new InvalidLookupAttributesException('You can specify only one lookup attribute.');
    }
    const attribute = attributes[0] && { key: attributes[0].AttributeKey as LookupAttributeKey, value: attributes[0].AttributeValue! };
    if (attribute?.key === 'ReadOnly' && attribute.value !== 'true' && attribute.value !== 'false') {
      throw new InvalidLookupAttributesException("The value of the ReadOnly lookup attribute must be 'true' or 'false'.");
    }
    const { NextToken: token, MaxResults, ...explicit } = input;
    // A token is bound to the explicit parameters; the time window it resolved on the first
    // page travels inside it, so later pages read the same window however long paging takes.
    const query = { ...explicit, region: ctx.region };
    const tokens = new PageTokens(ctx.app.box.derive('cloudtrail-lookup-token'));
    let position: PagePosition | undefined;
    if (token !== undefined) {
      position = tokens.decode<PagePosition>(token, query);
      if (!position) throw new InvalidNextTokenException('The next token is not valid for this request.');
    }
    const now = ctx.now.getTime();
    const oldest = now - ctx.app.config.retentionDays * DAY;
    const startTime = position ? position.start : (input.StartTime?.getTime() ?? oldest);
    const endTime = position ? position.end : (input.EndTime?.getTime() ?? now);
    if (startTime > endTime) {
      throw new InvalidTimeRangeException('Start time must be earlier than or equal to end time.');
    }
    const limit = MaxResults ?? 50;
    const events = await ctx.tx.journal.lookup({
      accountId: ctx.accountId,
      region: ctx.region,
      category: input.EventCategory === 'insight' ? 'Insight' : 'Management',
      attribute,
      startTime: new Date(Math.max(startTime, oldest)),
      endTime: new Date(endTime),
      limit: limit + 1,
      before: position && { eventTime: position.eventTime, seq: position.seq },
    });
    const pageEvents = events.slice(0, limit);
    const last = pageEvents[pageEvents.length - 1];
    return {
      Events: pageEvents.map(toLookupEvent),
      ...(events.length > limit
        ? { NextToken: tokens.encode({ eventTime: Math.floor(last.eventTime.getTime() / 1000), seq: last.seq, start: startTime, end: endTime }, query) }
        : {}),
    };
  },
});

function toLookupEvent(e: StoredEvent) {
  return {
    EventId: e.eventId,
    EventName: e.eventName,
    ReadOnly: String(e.readOnly),
    ...(e.accessKeyId ? { AccessKeyId: e.accessKeyId } : {}),
    EventTime: e.eventTime,
    EventSource: e.eventSource,
    ...(e.username ? { Username: e.username } : {}),
    Resources: e.resources.map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
    CloudTrailEvent: e.record,
  };
}
