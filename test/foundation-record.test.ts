// Record details beyond the seed scenario: the signing region of a global service's call, user
// agents (truncated at 1 KB, x-amz-user-agent when a browser cannot set User-Agent), sensitive
// values kept out of records and error messages, and Event history being per region.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccountCommand, InviteUsersCommand, ListAccountsCommand } from '@aws-sdk/client-chime';
import { aws, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { lookupAll, recordOf, recordOfRequest } from './helpers/records.ts';
import { signedRequest } from './helpers/signing.ts';

const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

describe('record details', () => {
  let s: TestServer;
  let accountId: string;
  before(async () => {
    s = await startServer();
    accountId = (await s.chime().send(new CreateAccountCommand({ Name: 'details' }))).Account!.AccountId!;
  });
  after(() => s.close());

  test('a Chime call signed for another region is recorded in us-east-1, with the signing region noted', async () => {
    const eu = s.chime({ region: 'eu-west-1' });
    const res = await eu.send(new ListAccountsCommand({}));
    const r = await recordOfRequest(s.cloudtrail(), res.$metadata.requestId!);
    assert.equal(r.awsRegion, 'us-east-1');
    assert.deepEqual(r.additionalEventData, { signingRegion: 'eu-west-1' });
    // Event history is per region: eu-west-1 holds no Chime event, only its own LookupEvents calls.
    const inEu = await lookupAll(s.cloudtrail({ region: 'eu-west-1' }));
    assert.deepEqual(inEu.filter((e) => e.EventSource !== 'cloudtrail.amazonaws.com'), []);
    const cli = await aws(s.url, ['chime', 'list-accounts'], { region: 'ap-southeast-2' });
    assert.equal(cli.code, 0, cli.stderr);
    const viaCli = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ListAccounts' }] })).map(recordOf);
    assert.ok(viaCli.some((x) => x.additionalEventData?.signingRegion === 'ap-southeast-2' && x.userAgent.startsWith('aws-cli/1.')));
  });

  test('the user agent: truncated at 1 KB; x-amz-user-agent when there is no User-Agent', async () => {
    const long = `agent/${'x'.repeat(3000)}`;
    const a = await signedRequest(s.url, { path: '/accounts', headers: { 'user-agent': long } });
    assert.equal((await recordOfRequest(s.cloudtrail(), a.headers.get('x-amzn-requestid')!)).userAgent, long.slice(0, 1024));
    const b = await signedRequest(s.url, { path: '/accounts', headers: { 'x-amz-user-agent': 'aws-sdk-js/3.0 browser' } });
    assert.equal((await recordOfRequest(s.cloudtrail(), b.headers.get('x-amzn-requestid')!)).userAgent, 'aws-sdk-js/3.0 browser');
    const c = await signedRequest(s.url, { path: '/accounts' });
    assert.equal('userAgent' in (await recordOfRequest(s.cloudtrail(), c.headers.get('x-amzn-requestid')!)), false);
  });

  test('e-mail filters are hidden in read-only calls too', async () => {
    const res = await s.chime().send(new ListAccountsCommand({ UserEmail: 'someone@example.com' }));
    const r = await recordOfRequest(s.cloudtrail(), res.$metadata.requestId!);
    assert.deepEqual(r.requestParameters, { userEmail: HIDDEN });
  });

  test('a sensitive value that breaks a constraint is named neither in the error nor in the record', async () => {
    const address = 'not-an-address-of-anyone';
    const err = await s
      .chime()
      .send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['fine@example.com', address] }))
      .catch((e) => e);
    assert.equal(err.name, 'BadRequestException');
    assert.equal(err.message, "1 validation error detected: Value at 'userEmailList.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: .+@.+\\..+");
    const r = await recordOfRequest(s.cloudtrail(), err.$metadata.requestId);
    assert.equal(r.errorMessage, err.message);
    assert.deepEqual(r.requestParameters, { accountId, userEmailList: [HIDDEN, HIDDEN] });
    assert.ok(!JSON.stringify(r).includes(address) && !JSON.stringify(r).includes('fine@example.com'));
  });
});
