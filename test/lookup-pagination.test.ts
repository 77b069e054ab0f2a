// Event history paging: 120 events come back exactly once, newest first, through
// paginateLookupEvents and the aws CLI's auto-pagination; a NextToken works only for the query
// it came from, and a forged one is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { LookupEventsCommand, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient, LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { aws, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { lookupAll, recordOf } from './helpers/records.ts';

const N = 120;
const CREATES: LookupEventsCommandInput = { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }] };

describe('LookupEvents pagination', () => {
  let s: TestServer;
  let ct: CloudTrailClient;
  /** Request ids of the 120 CreateAccount calls, newest first. */
  let newestFirst: string[];

  before(async () => {
    s = await startServer();
    ct = s.cloudtrail();
    const chime = s.chime();
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const res = await chime.send(new CreateAccountCommand({ Name: `account-${i}` }));
      ids.push(res.$metadata.requestId!);
    }
    newestFirst = ids.reverse();
  });
  after(() => s.close());

  const requestIds = (events: { CloudTrailEvent?: string }[]) => events.map((e) => recordOf(e).requestID);

  test('paginateLookupEvents with small pages returns each event exactly once, newest first', async () => {
    for (const pageSize of [1, 7, 50]) {
      const pages: number[] = [];
      const events = [];
      for await (const page of paginateLookupEvents({ client: ct, pageSize }, { ...CREATES })) {
        pages.push(page.Events!.length);
        events.push(...page.Events!);
      }
      assert.deepEqual(requestIds(events), newestFirst, `page size ${pageSize}`);
      assert.equal(new Set(events.map((e) => e.EventId)).size, N);
      assert.equal(pages.length, Math.ceil(N / pageSize), `page size ${pageSize}: ${pages}`);
      assert.ok(pages.slice(0, -1).every((n) => n === pageSize));
    }
  });

  test('paging everything while LookupEvents keeps adding events: no repeats, no gaps', async () => {
    // Each page call is itself recorded, newer than the window the first page fixed.
    const events = await lookupAll(ct, {}, 9);
    const ids = events.map((e) => e.EventId);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    assert.deepEqual(requestIds(events.filter((e) => e.EventName === 'CreateAccount')), newestFirst);
    const times = events.map((e) => e.EventTime!.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
  });

  test('pages that span indexed events and the not-yet-indexed tail of the journal', async () => {
    const other = await startServer();
    try {
      const store = other.server.context.store as unknown as { indexAll(): Promise<void> };
      const chime = other.chime();
      const ids: string[] = [];
      const create = async (n: number) => {
        for (let i = 0; i < n; i++) ids.push((await chime.send(new CreateAccountCommand({ Name: `span-${ids.length}` }))).$metadata.requestId!);
      };
      await create(10);
      await store.indexAll();
      // The first ten are indexed; of these, the last ones are still in the journal's tail when
      // the lookups run (the bulk indexer runs shortly after commits). Answers must not differ.
      await create(10);
      for (const pageSize of [3, 7]) {
        const events = await lookupAll(other.cloudtrail(), CREATES, pageSize);
        assert.deepEqual(requestIds(events), [...ids].reverse(), `page size ${pageSize}`);
      }
      const all = await lookupAll(other.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'ResourceType', AttributeValue: 'AWS::Chime::Account' }] }, 4);
      assert.deepEqual(requestIds(all), [...ids].reverse());
    } finally {
      await other.close();
    }
  });

  test('the aws CLI auto-paginates, and continues from --starting-token', async () => {
    const all = await aws(s.url, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateAccount', '--page-size', '11']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(requestIds(all.json.Events), newestFirst);
    assert.equal(all.json.NextToken, undefined);

    const first = await aws(s.url, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateAccount', '--max-items', '25', '--page-size', '10']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(requestIds(first.json.Events), newestFirst.slice(0, 25));
    assert.ok(first.json.NextToken);
    const rest = await aws(s.url, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateAccount', '--starting-token', first.json.NextToken, '--page-size', '10']);
    assert.equal(rest.code, 0, rest.stderr);
    assert.deepEqual(requestIds(rest.json.Events), newestFirst.slice(25));
  });

  test('a NextToken reused with different parameters: InvalidNextTokenException', async () => {
    const page = await ct.send(new LookupEventsCommand({ ...CREATES, MaxResults: 5 }));
    const token = page.NextToken!;
    assert.ok(token);
    // The same query with another page size may continue (the CLI does that with --max-items).
    const next = await ct.send(new LookupEventsCommand({ ...CREATES, MaxResults: 3, NextToken: token }));
    assert.deepEqual(requestIds(next.Events!), newestFirst.slice(5, 8));
    const others: LookupEventsCommandInput[] = [
      { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetAccount' }] },
      { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'root' }] },
      {},
      { ...CREATES, StartTime: new Date(Date.now() - 3600_000) },
      { ...CREATES, EndTime: new Date() },
      { ...CREATES, EventCategory: 'insight' },
    ];
    for (const other of others) {
      const err = await ct.send(new LookupEventsCommand({ ...other, NextToken: token })).catch((e) => e);
      assert.equal(err.name, 'InvalidNextTokenException', JSON.stringify(other));
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, 'The next token is not valid for this request.');
    }
    // Nor in another region.
    const eu = s.cloudtrail({ region: 'eu-west-1' });
    const err = await eu.send(new LookupEventsCommand({ ...CREATES, NextToken: token })).catch((e) => e);
    assert.equal(err.name, 'InvalidNextTokenException');
  });

  test('a forged or garbled NextToken: InvalidNextTokenException', async () => {
    const { NextToken } = await ct.send(new LookupEventsCommand({ ...CREATES, MaxResults: 5 }));
    const [body, mac] = NextToken!.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), p: { eventTime: 0, seq: 1, start: 0, end: 9e15 } })).toString('base64url');
    const flip = (t: string, i: number) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
    const bad = [
      'garbage',
      '',
      `${forgedBody}.${mac}`,
      flip(NextToken!, 3),
      flip(NextToken!, NextToken!.length - 2),
      `${body}.`,
      `${body}.${mac}.x`,
      'x'.repeat(5000),
      '%00\u0000☃',
      // A MAC of the right length in characters but not in bytes (InternalFailure before).
      `${body}.${'é'.repeat(43)}`,
      `${body}.${mac.slice(0, 42)}é`,
    ];
    for (const token of bad) {
      const err = await ct.send(new LookupEventsCommand({ ...CREATES, NextToken: token })).catch((e) => e);
      assert.equal(err.name, 'InvalidNextTokenException', `token ${JSON.stringify(token.slice(0, 40))}`);
      assert.equal(err.$metadata.httpStatusCode, 400);
    }
    // A token of another server (another key) is forged as far as this one can tell.
    const other = await startServer();
    try {
      await other.chime().send(new CreateAccountCommand({ Name: 'a' }));
      await other.chime().send(new CreateAccountCommand({ Name: 'b' }));
      const theirs = await other.cloudtrail().send(new LookupEventsCommand({ ...CREATES, MaxResults: 1 }));
      const err = await ct.send(new LookupEventsCommand({ ...CREATES, NextToken: theirs.NextToken })).catch((e) => e);
      assert.equal(err.name, 'InvalidNextTokenException');
    } finally {
      await other.close();
    }
  });
});
