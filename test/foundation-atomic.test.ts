// Atomic audit: a mutating call's change and its record commit together or not at all. A handler
// that fails after writing leaves no change and exactly one failure record; a record that cannot
// be written takes the change down with it; a success is in Event history when the call returns.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateAccountCommand, GetAccountCommand, ListAccountsCommand } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ServiceError } from '../src/aws/errors.ts';
import { RestJsonProtocol } from '../src/aws/protocols/rest-json.ts';
import type { RawRequest } from '../src/aws/request.ts';
import { label, string, structure } from '../src/aws/shapes.ts';
import { Pipeline } from '../src/pipeline.ts';
import { defineOperation, operationMap } from '../src/services/service.ts';
import type { Service } from '../src/services/service.ts';
import type { Store, Tx } from '../src/storage/store.ts';
import { ACCOUNT_ID, ROOT, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { recordOf } from './helpers/records.ts';
import { Sha256 } from './helpers/signing.ts';

const THINGS = { collection: 'test.thing', partition: 'p' };

/** A service whose one operation writes a document, then succeeds or fails as asked. */
const PutThing = defineOperation<{ Id?: string; Outcome?: string }, { Id?: string }>({
  name: 'PutThing',
  readOnly: false,
  http: { method: 'POST', uri: '/things/{Id}', status: 200 },
  input: structure({ Id: label(string()), Outcome: string({ enum: ['ok', 'refuse', 'crash'] }) }),
  output: structure({ Id: string() }),
  async handler(ctx, input) {
    await ctx.tx.docs.put({ ...THINGS, id: input.Id! }, { id: input.Id });
    if (input.Outcome === 'refuse') throw new ServiceError('ThingRefusedException', 'The thing was written, then refused.', 409);
    if (input.Outcome === 'crash') throw new Error('handler crashed after writing');
    return { Id: input.Id };
  },
});

const testService: Service = {
  signingName: 'thingtest',
  eventSource: 'thingtest.amazonaws.com',
  protocol: new RestJsonProtocol(),
  operations: operationMap([PutThing]),
  invalidInput: (v) => new ServiceError('BadRequestException', v.message, 400),
  accessDenied: (m) => new ServiceError('AccessDeniedException', m, 403),
};

/** A request as the HTTP layer hands it to the pipeline, signed with the root key. */
async function signedRaw(path: string, body: string): Promise<RawRequest> {
  const signer = new SignatureV4({ service: 'thingtest', region: 'us-east-1', credentials: ROOT, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: 'localhost', path, query: {}, headers: { host: 'localhost', 'content-type': 'application/json' }, body });
  return { method: 'POST', rawPath: path, rawQuery: '', headers: signed.headers as Record<string, string>, body: Buffer.from(body), sourceIp: '127.0.0.1' };
}

describe('atomic audit', () => {
  let s: TestServer;
  let pipeline: Pipeline;
  const logged: string[] = [];
  const thing = (id: string) => s.server.context.store.read((tx) => tx.docs.get({ ...THINGS, id }));
  const recordsOf = async (requestId: string) => {
    const events = await s.server.context.store.read((tx) =>
      tx.journal.lookup({
        accountId: ACCOUNT_ID,
        region: 'us-east-1',
        category: 'Management',
        attribute: { key: 'EventSource', value: 'thingtest.amazonaws.com' },
        startTime: new Date(0),
        endTime: new Date(Date.now() + 60_000),
        limit: 1000,
      }),
    );
    return events.map((e) => JSON.parse(e.record)).filter((r) => r.requestID === requestId);
  };

  before(async () => {
    s = await startServer();
    pipeline = new Pipeline(s.server.context, [testService], { log: (m) => logged.push(m) });
  });
  after(() => s.close());

  test('a handler that succeeds: the change and one record', async () => {
    const res = await pipeline.handle(await signedRaw('/things/kept', '{"Outcome":"ok"}'));
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(await thing('kept'), { id: 'kept' });
    const records = await recordsOf(res.headers['x-amzn-requestid']);
    assert.equal(records.length, 1);
    assert.deepEqual(records[0].responseElements, { id: 'kept' });
  });

  test('a handler that writes, then fails with a service error: no change, exactly one failure record', async () => {
    const res = await pipeline.handle(await signedRaw('/things/refused', '{"Outcome":"refuse"}'));
    assert.equal(res.status, 409);
    assert.equal(res.headers['x-amzn-errortype'], 'ThingRefusedException');
    assert.equal(await thing('refused'), undefined);
    const records = await recordsOf(res.headers['x-amzn-requestid']);
    assert.equal(records.length, 1);
    assert.equal(records[0].errorCode, 'ThingRefusedException');
    assert.equal(records[0].errorMessage, 'The thing was written, then refused.');
    assert.deepEqual(records[0].requestParameters, { id: 'refused', outcome: 'refuse' });
    assert.equal(records[0].responseElements, null);
  });

  test('a handler that writes, then crashes: InternalFailure 500 without a stack trace, no change, one record', async () => {
    const res = await pipeline.handle(await signedRaw('/things/crashed', '{"Outcome":"crash"}'));
    assert.equal(res.status, 500);
    assert.equal(res.headers['x-amzn-errortype'], 'InternalFailure');
    assert.ok(!res.body.includes('handler crashed'), res.body);
    assert.ok(!res.body.includes('.ts:'), res.body);
    assert.equal(await thing('crashed'), undefined);
    const records = await recordsOf(res.headers['x-amzn-requestid']);
    assert.equal(records.length, 1);
    assert.equal(records[0].errorCode, 'InternalFailure');
    // The operator sees the cause, with the request id to find it by.
    assert.ok(logged.some((m) => m.includes(res.headers['x-amzn-requestid']) && m.includes('handler crashed after writing')));
  });

  test('when the record cannot be written, the change is not made either', async () => {
    const chime = s.chime();
    const real = s.server.context.store;
    const failing: Store = {
      read: (fn) => real.read(fn),
      close: () => real.close(),
      append: async () => {
        throw new Error('journal unavailable');
      },
      write: (fn) =>
        real.write((tx) => {
          const journal = new Proxy(tx.journal, {
            get: (target, prop) =>
              prop === 'append'
                ? async () => {
                    throw new Error('journal unavailable');
                  }
                : Reflect.get(target, prop, target),
          });
          return fn({ ...tx, journal } as Tx);
        }),
    };
    s.server.context.store = failing;
    let err;
    try {
      err = await chime.send(new CreateAccountCommand({ Name: 'unrecorded' })).catch((e) => e);
    } finally {
      s.server.context.store = real;
    }
    assert.equal(err.name, 'InternalFailure');
    assert.equal(err.$metadata.httpStatusCode, 500);
    const { Accounts } = await chime.send(new ListAccountsCommand({}));
    assert.deepEqual(Accounts, []);
    // The server carries on normally once the journal is back.
    const ok = await chime.send(new CreateAccountCommand({ Name: 'recorded' }));
    assert.equal(ok.Account!.Name, 'recorded');
  });

  test('a successful mutation is in Event history as soon as the call returned', async () => {
    const chime = s.chime();
    const ct = s.cloudtrail();
    for (let i = 0; i < 20; i++) {
      const created = await chime.send(new CreateAccountCommand({ Name: `visible-${i}` }));
      const found = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: created.Account!.AccountId! }] }));
      assert.equal(found.Events!.length, 1, `event of call ${i}`);
      assert.equal(recordOf(found.Events![0]).requestID, created.$metadata.requestId);
      // And a read-only call's record too.
      const got = await chime.send(new GetAccountCommand({ AccountId: created.Account!.AccountId! }));
      const reads = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetAccount' }], MaxResults: 1 }));
      assert.equal(recordOf(reads.Events![0]).requestID, got.$metadata.requestId);
    }
  });

  test('concurrent mutations: every change has exactly one record and every record its change', async () => {
    const chime = s.chime();
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => chime.send(new CreateAccountCommand({ Name: `burst-${i % 30}` }))));
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<any>).value);
    const failed = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    // 10 names repeat: exactly one of each pair wins, the other conflicts.
    assert.equal(ok.length, 30);
    assert.ok(failed.every((e) => e.name === 'ConflictException'));
    const ct = s.cloudtrail();
    const events = [];
    let NextToken: string | undefined;
    do {
      const page = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }], NextToken }));
      events.push(...page.Events!);
      NextToken = page.NextToken;
    } while (NextToken);
    const burst = events.map(recordOf).filter((r) => r.requestParameters?.name?.startsWith('burst-'));
    assert.equal(burst.length, 40);
    assert.equal(burst.filter((r) => r.errorCode === 'ConflictException').length, 10);
    const recordedIds = burst.filter((r) => !r.errorCode).map((r) => r.responseElements.account.accountId).sort();
    assert.deepEqual(recordedIds, ok.map((o) => o.Account.AccountId).sort());
  });
});
