// Random bad input, correctly signed, to every protocol the server speaks: whatever a client
// sends, it gets an error in its protocol's AWS shape, never a 5xx, and the server stays up.
// Seeded, so that a failure names the request that caused it and repeats.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { signedRequest } from './helpers/signing.ts';
import { BAD_JSON, generator, VALUES } from './helpers/fuzz.ts';
import type { Generator } from './helpers/fuzz.ts';
import type { RawCall } from './helpers/signing.ts';

const REQUESTS = 400;

const CHIME_PATHS = [
  '/accounts',
  '/accounts/{A}',
  '/accounts/{A}/users',
  '/accounts/{A}/users/{X}',
  '/accounts/{A}/users/{X}/settings',
  '/accounts/{A}/bots/{X}',
  '/accounts/{A}/rooms/{X}/memberships',
  '/accounts/{A}/settings',
  '/accounts/{A}/retention-settings',
  '/phone-numbers/{X}',
  '/phone-number-orders',
  '/search',
  '/settings',
  '/',
  '/accounts/',
  '/accounts/{A}/x/y',
];
const OPERATIONS = ['add', 'create', 'suspend', 'unsuspend', 'logout', 'reset-personal-pin', 'regenerate-security-token', 'batch-create', 'batch-delete', 'verify', 'nope', ''];
const LABELS = ['', ' ', 'x'.repeat(3000), '%FF', '%', 'a%zz', '%00', 'a%2Fb', '..', 'é', '%E2%9C%93'];
const MEMBERS = ['Name', 'UserEmailList', 'UserType', 'DefaultLicense', 'AccountSettings', 'UserSettings', 'DisplayName', 'Domain', 'MaxResults', 'NextToken', 'UpdateUserRequestItems', 'UserIdList', 'RetentionSettings', 'E164PhoneNumbers', 'MembershipItemList', 'LookupAttributes', 'StartTime', 'EndTime', 'EventCategory', 'S3BucketName', 'ResourceIdList', 'TagsList', 'EventSelectors', 'AdvancedEventSelectors', 'IsMultiRegionTrail'];
const CLOUDTRAIL_OPERATIONS = ['LookupEvents', 'CreateTrail', 'UpdateTrail', 'GetTrail', 'DeleteTrail', 'DescribeTrails', 'ListTrails', 'GetTrailStatus', 'StartLogging', 'PutEventSelectors', 'AddTags', 'ListPublicKeys', 'Nope', ''];
const QUERY_ACTIONS: Record<string, string[]> = {
  iam: ['CreateUser', 'GetUser', 'CreateAccessKey', 'PutUserPolicy', 'AttachUserPolicy', 'CreateRole', 'Nope', ''],
  sts: ['AssumeRole', 'GetSessionToken', 'GetFederationToken', 'GetCallerIdentity', 'Nope'],
  sns: ['CreateTopic', 'Subscribe', 'Publish', 'SetTopicAttributes', 'Nope'],
};
const QUERY_PARAMS = ['UserName', 'RoleName', 'PolicyArn', 'PolicyDocument', 'PolicyName', 'RoleArn', 'RoleSessionName', 'DurationSeconds', 'Name', 'TopicArn', 'Protocol', 'Endpoint', 'Message', 'Tags.member.1.Key', 'Policy'];

/** One random request; `what` says what it was when it fails. */
function randomCall(g: Generator, accountId: string): RawCall & { what: string } {
  const json = () => {
    if (g.next() < 0.2) return g.pick(BAD_JSON);
    const body: Record<string, unknown> = {};
    for (let i = Math.floor(g.next() * 4); i > 0; i--) body[g.pick(MEMBERS)] = g.pick(VALUES);
    return JSON.stringify(body);
  };
  const kind = g.next();
  if (kind < 0.6) {
    const path = g.pick(CHIME_PATHS).replace('{A}', () => (g.next() < 0.5 ? accountId : g.pick(LABELS))).replace('{X}', () => g.pick(LABELS));
    const query: Record<string, string> = {};
    if (g.next() < 0.5) query.operation = g.pick(OPERATIONS);
    if (g.next() < 0.3) query[g.pick(['max-results', 'next-token', 'user-email', 'type', 'x'])] = g.pick(['-1', 'abc', '', '1e3', 'x'.repeat(2000)]);
    const method = g.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
    // node:http sends a GET's or DELETE's body without a length; the SDKs send none.
    const body = method === 'GET' || method === 'DELETE' ? undefined : json();
    return { method, path, query, headers: { 'content-type': g.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']) }, body, what: `chime ${method} ${path.slice(0, 80)} ${JSON.stringify(query).slice(0, 80)} ${String(body).slice(0, 120)}` };
  }
  if (kind < 0.85) {
    const operation = g.pick(CLOUDTRAIL_OPERATIONS);
    const target = g.pick([`CloudTrail_20131101.${operation}`, `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.${operation}`, operation]);
    const body = json();
    return { service: 'cloudtrail', method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body, what: `cloudtrail ${target} ${body.slice(0, 120)}` };
  }
  const service = g.pick(Object.keys(QUERY_ACTIONS));
  const params = new URLSearchParams({ Action: g.pick(QUERY_ACTIONS[service]), Version: g.pick(['2010-05-08', '2011-06-15', '2010-03-31', 'x']) });
  for (let i = Math.floor(g.next() * 4); i > 0; i--) params.append(g.pick(QUERY_PARAMS), String(g.pick(VALUES)).slice(0, 3000));
  const body = params.toString();
  return { service, method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, what: `${service} ${body.slice(0, 160)}` };
}

describe('random bad input', () => {
  let s: TestServer;
  let accountId: string;
  before(async () => {
    s = await startServer();
    const created = await signedRequest(s.url, { method: 'POST', path: '/accounts', headers: { 'content-type': 'application/json' }, body: '{"Name":"fuzz"}' });
    accountId = created.json.Account.AccountId;
  });
  after(() => s.close());

  for (const seed of [1, 2]) {
    test(`${REQUESTS} signed requests (seed ${seed}): each answered below 500, errors in the protocol's AWS shape`, async () => {
      const g = generator(seed);
      for (let i = 0; i < REQUESTS; i++) {
        const { what, ...call } = randomCall(g, accountId);
        const res = await signedRequest(s.url, call);
        assert.ok(res.status < 500, `${what} -> ${res.status} ${res.text.slice(0, 300)}`);
        if (res.status < 300) continue;
        // rest-json and awsJson name the error in a header; the query protocol in its XML body.
        const named = res.headers.get('x-amzn-errortype') ?? /<Code>([^<]+)<\/Code>/.exec(res.text)?.[1];
        assert.ok(named, `${what} -> ${res.status} without an AWS error name: ${res.text.slice(0, 300)}`);
        assert.ok(res.headers.get('x-amzn-requestid') ?? /<RequestId>/.test(res.text), `${what}: no request id`);
      }
      // Still serving (the account itself may have been deleted by a random DELETE).
      const list = await signedRequest(s.url, { path: '/accounts' });
      assert.equal(list.status, 200);
    });
  }
});
