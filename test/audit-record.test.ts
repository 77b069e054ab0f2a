// The record builder: CloudTrail's size rule (a requestParameters or responseElements element over
// 100 KB is dropped, and said so, each element judged on its own), event times and event ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { journalEntry } from '../src/audit/record.ts';
import { eventIdTime, newEventId } from '../src/audit/event-id.ts';
import type { CallFacts } from '../src/audit/record.ts';
import { EVENT_ID } from './helpers/records.ts';

const facts = (requestParameters: unknown, responseElements: unknown): CallFacts => ({
  principal: { type: 'Root', accountId: '123456789012', accessKeyId: 'AKIAEXAMPLE' },
  eventSource: 'chime.amazonaws.com',
  eventName: 'UpdateAccount',
  awsRegion: 'us-east-1',
  recipientAccountId: '123456789012',
  eventTime: new Date('2026-11-23T10:00:00Z'),
  sourceIPAddress: '127.0.0.1',
  readOnly: false,
  requestParameters,
  responseElements,
  requestId: 'req-1',
});
const record = (f: CallFacts) => JSON.parse(journalEntry(f).record);
const text = (kb: number) => ({ name: 'x'.repeat(kb * 1024) });

test('an element over 100 KB is recorded as null, and said so; the other is kept', () => {
  const r = record(facts(text(101), { ok: true }));
  assert.equal(r.requestParameters, null);
  assert.deepEqual(r.responseElements, { ok: true });
  assert.deepEqual(r.additionalEventData, { requestParametersTruncated: true });
  const both = record(facts(text(101), text(120)));
  assert.equal(both.requestParameters, null);
  assert.equal(both.responseElements, null);
  assert.deepEqual(both.additionalEventData, { requestParametersTruncated: true, responseElementsTruncated: true });
  // Key order is the usual one, additionalEventData before requestID.
  const keys = Object.keys(both);
  assert.ok(keys.indexOf('additionalEventData') === keys.indexOf('responseElements') + 1);
});

test('elements under 100 KB each are kept, even when the record is larger', () => {
  const r = record(facts(text(60), text(60)));
  assert.equal(r.requestParameters.name.length, 60 * 1024);
  assert.equal(r.responseElements.name.length, 60 * 1024);
  assert.equal(r.additionalEventData, undefined);
  const small = record(facts({ name: 'a' }, null));
  assert.deepEqual(small.requestParameters, { name: 'a' });
  assert.equal(small.responseElements, null);
  assert.equal('additionalEventData' in small, false);
});

test('event times are recorded to the second, each its own however close the calls', () => {
  const at = (iso: string) => record({ ...facts({}, {}), eventTime: new Date(iso) }).eventTime;
  // The last second's text is kept: a call in the next second, or back in an earlier one, gets its own.
  assert.equal(at('2026-11-23T10:00:00.999Z'), '2026-11-23T10:00:00Z');
  assert.equal(at('2026-11-23T10:00:00.001Z'), '2026-11-23T10:00:00Z');
  assert.equal(at('2026-11-23T10:00:01.000Z'), '2026-11-23T10:00:01Z');
  assert.equal(at('2026-11-23T09:59:59.500Z'), '2026-11-23T09:59:59Z');
  assert.equal(at('+275760-09-13T00:00:00.000Z'), '+275760-09-13T00:00:00Z');
});

test("a record's event id is a UUIDv7 made at the event's time, which Event history searches around", () => {
  const f = facts({}, {});
  const entry = journalEntry(f);
  assert.equal(eventIdTime(entry.eventId), f.eventTime.getTime());
  assert.equal(JSON.parse(entry.record).eventID, entry.eventId);
  // Ids made one after another, at the same millisecond or not, each carry their own time.
  const times = [f.eventTime.getTime(), f.eventTime.getTime(), f.eventTime.getTime() + 1, Date.UTC(2030, 0, 1), f.eventTime.getTime()];
  const ids = times.map((t) => newEventId(t));
  assert.deepEqual(ids.map(eventIdTime), times);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, EVENT_ID);
  // Thousands at one millisecond (random bytes drawn again several times on the way): each its own.
  const many = Array.from({ length: 3000 }, () => newEventId(times[0]));
  assert.equal(new Set(many).size, many.length);
  for (const id of many) assert.match(id, EVENT_ID);
  assert.ok(many.every((id) => eventIdTime(id) === times[0]));
  // Older journals' v4 ids and other strings carry no time.
  assert.equal(eventIdTime(randomUUID()), undefined);
  assert.equal(eventIdTime('not-a-uuid'), undefined);
});
