// Bad input gets AWS's error (name, HTTP status, message), read correctly by the JS SDKs and the
// aws CLI; never a 500, and every refused call of a known key is in Event history.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { CreateAccountCommand, ListAccountsCommand } from '@aws-sdk/client-chime';
import type { ChimeClient } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient, LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { aws, startServer } from './helpers/server.ts';
import type { AwsResult, TestServer } from './helpers/server.ts';
import { cloudtrailRequest, signedRequest } from './helpers/signing.ts';
import type { RawResult } from './helpers/signing.ts';
import { lookupAll, recordOf } from './helpers/records.ts';

const LONG_NAME = 'n'.repeat(101);
const LONG_NAME_MESSAGE = `1 validation error detected: Value '${'n'.repeat(64)}...' at 'name' failed to satisfy constraint: Member must have length less than or equal to 100`;
const ATTRIBUTE_KEYS = 'EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId';

const cliError = (res: AwsResult) => {
  const m = /An error occurred \((\w+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: (.*)/s.exec(res.stderr);
  assert.ok(m, `an AWS error from the CLI: ${res.stderr}`);
  return { name: m[1], operation: m[2], message: m[3].trim() };
};

describe('bad input', () => {
  let s: TestServer;
  let chime: ChimeClient;
  let ct: CloudTrailClient;
  const recorded = async (requestId: string | null | undefined) =>
    (await lookupAll(ct, { StartTime: new Date(Date.now() - 3600_000) })).map(recordOf).filter((r) => r.requestID === requestId);

  before(async () => {
    s = await startServer();
    chime = s.chime();
    ct = s.cloudtrail();
  });
  after(() => s.close());

  const sdkError = async (p: Promise<unknown>) =>
    p.then(
      () => assert.fail('the call succeeded'),
      (e) => e,
    );

  test('an over-long account name: BadRequestException 400 with the validation message, recorded', async () => {
    const err = await sdkError(chime.send(new CreateAccountCommand({ Name: LONG_NAME })));
    assert.equal(err.name, 'BadRequestException');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.Code, 'BadRequest');
    assert.equal(err.message, LONG_NAME_MESSAGE);
    const [r] = await recorded(err.$metadata.requestId);
    assert.equal(r.eventName, 'CreateAccount');
    assert.equal(r.errorCode, 'BadRequestException');
    assert.equal(r.errorMessage, LONG_NAME_MESSAGE);
    assert.deepEqual(r.requestParameters, { name: LONG_NAME });
    assert.equal(r.responseElements, null);

    const cli = await aws(s.url, ['chime', 'create-account', '--name', LONG_NAME]);
    assert.deepEqual(cliError(cli), { name: 'BadRequestException', operation: 'CreateAccount', message: LONG_NAME_MESSAGE });
    const blank = await sdkError(chime.send(new CreateAccountCommand({ Name: '   ' })));
    assert.equal(blank.name, 'BadRequestException');
    assert.match(blank.message, /at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    const none = await signedRequest(s.url, { method: 'POST', path: '/accounts', headers: { 'content-type': 'application/json' }, body: '' });
    assert.equal(none.status, 400);
    assert.equal(none.json.Message, "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
    const { Accounts } = await chime.send(new ListAccountsCommand({}));
    assert.deepEqual(Accounts, []);
  });

  test('bad JSON to Chime: BadRequestException 400, recorded', async () => {
    for (const body of ['{"Name":', '[1,2]', '"acme"', 'null']) {
      const res = await signedRequest(s.url, { method: 'POST', path: '/accounts', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 400, `${body}: ${res.text}`);
      assert.equal(res.headers.get('x-amzn-errortype'), 'BadRequestException');
      assert.equal(res.json.Code, 'BadRequest');
      assert.equal(typeof res.json.Message, 'string');
      const [r] = await recorded(res.headers.get('x-amzn-requestid'));
      assert.equal(r.errorCode, 'BadRequestException', body);
      assert.equal(r.eventName, 'CreateAccount');
    }
    const wrongType = await signedRequest(s.url, { method: 'POST', path: '/accounts', headers: { 'content-type': 'application/json' }, body: '{"Name":42}' });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.headers.get('x-amzn-errortype'), 'BadRequestException');
  });

  test('bad JSON to CloudTrail: SerializationException 400, recorded', async () => {
    for (const body of ['{"MaxResults":', '[]', '"x"']) {
      const res = await cloudtrailRequest(s.url, 'LookupEvents', body);
      assert.equal(res.status, 400, `${body}: ${res.text}`);
      assert.equal(res.json.__type, 'SerializationException');
      const [r] = await recorded(res.headers.get('x-amzn-requestid'));
      assert.equal(r.errorCode, 'SerializationException');
      assert.equal(r.eventSource, 'cloudtrail.amazonaws.com');
    }
    // A member of the wrong JSON type is a serialization error too, as awsJson services answer.
    const wrongType = await cloudtrailRequest(s.url, 'LookupEvents', '{"MaxResults":"five"}');
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.json.__type, 'SerializationException');
  });

  test('unknown operations: UnknownOperationException, read by the SDKs', async () => {
    const target = await cloudtrailRequest(s.url, 'NoSuchOperation', '{}');
    assert.equal(target.status, 400);
    assert.equal(target.json.__type, 'UnknownOperationException');
    const prefix = await cloudtrailRequest(s.url, 'LookupEvents', '{}', { headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Bogus_20131101.LookupEvents' } });
    assert.equal(prefix.json.__type, 'UnknownOperationException');
    for (const [method, path] of [
      ['GET', '/nothing-here'],
      ['DELETE', '/accounts'],
      ['POST', '/accounts/x/users?operation=bogus'],
    ]) {
      const [p, q] = path.split('?');
      const res = await signedRequest(s.url, { method, path: p, query: q ? Object.fromEntries([q.split('=')]) : {} });
      assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
      assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    }
    // The official clients name the error from the response alone.
    const rerouted = s.chime();
    rerouted.middlewareStack.add((next: any) => (args: any) => next({ ...args, request: Object.assign(args.request, { path: '/nothing-here' }) }), { step: 'build' });
    const chimeErr = await sdkError(rerouted.send(new ListAccountsCommand({})));
    assert.equal(chimeErr.name, 'UnknownOperationException');
    assert.equal(chimeErr.$metadata.httpStatusCode, 404);
    const retargeted = s.cloudtrail();
    retargeted.middlewareStack.add(
      (next: any) => (args: any) => {
        args.request.headers['x-amz-target'] = 'CloudTrail_20131101.NoSuchOperation';
        return next(args);
      },
      { step: 'build' },
    );
    const ctErr = await sdkError(retargeted.send(new LookupEventsCommand({})));
    assert.equal(ctErr.name, 'UnknownOperationException');
    assert.equal(ctErr.$metadata.httpStatusCode, 400);
  });

  const lookupErrors: [string, LookupEventsCommandInput, string, string | RegExp][] = [
    ['MaxResults 0', { MaxResults: 0 }, 'InvalidMaxResultsException', /at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1/],
    ['MaxResults 51', { MaxResults: 51 }, 'InvalidMaxResultsException', /at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50/],
    [
      'two lookup attributes',
      {
        LookupAttributes: [
          { AttributeKey: 'EventName', AttributeValue: 'CreateAccount' },
          { AttributeKey: 'Username', AttributeValue: 'root' },
        ],
      },
      'InvalidLookupAttributesException',
      'You can specify only one lookup attribute.',
    ],
    [
      'a bad attribute key',
      { LookupAttributes: [{ AttributeKey: 'Colour' as never, AttributeValue: 'blue' }] },
      'InvalidLookupAttributesException',
      `1 validation error detected: Value 'Colour' at 'lookupAttributes.1.member.attributeKey' failed to satisfy constraint: Member must satisfy enum value set: [${ATTRIBUTE_KEYS}]`,
    ],
    [
      'an empty attribute value',
      { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: '' }] },
      'InvalidLookupAttributesException',
      /at 'lookupAttributes.1.member.attributeValue' failed to satisfy constraint: Member must have length greater than or equal to 1/,
    ],
    [
      'a ReadOnly value other than true/false',
      { LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'maybe' }] },
      'InvalidLookupAttributesException',
      "The value of the ReadOnly lookup attribute must be 'true' or 'false'.",
    ],
    [
      'StartTime after EndTime',
      { StartTime: new Date('2026-01-02T00:00:00Z'), EndTime: new Date('2026-01-01T00:00:00Z') },
      'InvalidTimeRangeException',
      'Start time must be earlier than or equal to end time.',
    ],
    ['an unknown event category', { EventCategory: 'data' as never }, 'InvalidEventCategoryException', /at 'eventCategory' failed to satisfy constraint: Member must satisfy enum value set: \[insight\]/],
  ];

  for (const [what, input, name, message] of lookupErrors) {
    test(`LookupEvents with ${what}: ${name} 400, recorded`, async () => {
      const err = await sdkError(ct.send(new LookupEventsCommand(input)));
      assert.equal(err.name, name);
      assert.equal(err.$metadata.httpStatusCode, 400);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      const [r] = await recorded(err.$metadata.requestId);
      assert.equal(r.errorCode, name);
      assert.equal(r.errorMessage, err.message);
      assert.equal(r.eventName, 'LookupEvents');
    });
  }

  test('the aws CLI reads the LookupEvents errors by name', async () => {
    const cases: [string[], string][] = [
      [['--max-results', '51'], 'InvalidMaxResultsException'],
      [['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=A', 'AttributeKey=Username,AttributeValue=B'], 'InvalidLookupAttributesException'],
      [['--lookup-attributes', 'AttributeKey=Colour,AttributeValue=blue'], 'InvalidLookupAttributesException'],
      [['--start-time', '2026-01-02T00:00:00Z', '--end-time', '2026-01-01T00:00:00Z'], 'InvalidTimeRangeException'],
      [['--starting-token', 'garbage'], 'InvalidNextTokenException'],
    ];
    for (const [args, name] of cases) {
      const res = await aws(s.url, ['cloudtrail', 'lookup-events', ...(args[0] === '--starting-token' ? [] : ['--no-paginate']), ...args]);
      assert.equal(res.code, 255, res.stderr);
      const e = cliError(res);
      assert.equal(e.name, name, args.join(' '));
      assert.equal(e.operation, 'LookupEvents');
    }
  });

  test("malformed percent-escapes in a path get the service's own error, and are recorded", async () => {
    // No SDK sends these (they encode every label), but any HTTP client can.
    for (const label of ['%FF', '%', 'a%zz']) {
      const res = await signedRequest(s.url, { path: `/accounts/${label}` });
      assert.equal(res.status, 404, `${label}: ${res.text}`);
      assert.equal(res.headers.get('x-amzn-errortype'), 'NotFoundException');
      assert.deepEqual(res.json, { Code: 'NotFound', Message: `The requested account ${label} does not exist.` });
      const [r] = await recorded(res.headers.get('x-amzn-requestid'));
      assert.equal(r.eventName, 'GetAccount');
      assert.equal(r.errorCode, 'NotFoundException');
      assert.deepEqual(r.requestParameters, { accountId: label });
    }
    // With a body and a query: the body still reaches the signature check and the operation.
    const invite = await signedRequest(s.url, {
      method: 'POST',
      path: '/accounts/%FF/users',
      query: { operation: 'add' },
      headers: { 'content-type': 'application/json' },
      body: '{"UserEmailList":["a@example.com"]}',
    });
    assert.equal(invite.status, 404, invite.text);
    assert.equal(invite.headers.get('x-amzn-errortype'), 'NotFoundException');
    const [r] = await recorded(invite.headers.get('x-amzn-requestid'));
    assert.equal(r.eventName, 'InviteUsers');
    assert.deepEqual(r.requestParameters, { accountId: '%FF', userEmailList: ['HIDDEN_DUE_TO_SECURITY_REASONS'] });
  });

  test('bytes that are not HTTP get an AWS-shaped 400, and headers over the limit a 431', async () => {
    const exchange = (bytes: string) =>
      new Promise<string>((resolve) => {
        const { hostname, port } = new URL(s.url);
        const socket = connect(Number(port), hostname, () => socket.end(bytes));
        let answer = '';
        socket.on('data', (d) => (answer += d.toString()));
        // The server closes the connection after its answer, maybe before reading all we sent.
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(answer));
      });
    const head = (answer: string) => answer.split('\r\n\r\n')[0].toLowerCase();
    const garbage = await exchange('NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.match(head(garbage), /\r\nx-amzn-errortype: badrequestexception\r\n/);
    assert.match(head(garbage), /\r\nx-amzn-requestid: [0-9a-f-]{36}/);
    assert.equal(JSON.parse(garbage.split('\r\n\r\n')[1]).message, 'The request is not valid HTTP (HPE_INVALID_METHOD).');
    const huge = await exchange(`GET /accounts HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 431 /);
    assert.match(head(huge), /\r\nx-amzn-errortype: badrequestexception\r\n/);
  });

  test('a body over the size limit is refused with an AWS-shaped 413, not a 500', async () => {
    const res: RawResult = await signedRequest(s.url, { method: 'POST', path: '/accounts', headers: { 'content-type': 'application/json' }, body: `{"Name":"${'x'.repeat(11 * 1024 * 1024)}"}` });
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('x-amzn-errortype'), 'RequestEntityTooLargeException');
  });
});
