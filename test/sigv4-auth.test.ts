// SigV4 at the front door: every way a signature can be missing, malformed, wrong or stale gets
// AWS's error (name, HTTP status, message) and never a 500; refusals of a known key are recorded
// with that key's identity, refusals of an unknown key are not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChimeClient, CreateAccountCommand, DeleteAccountCommand, GetAccountCommand, ListAccountsCommand } from '@aws-sdk/client-chime';
import { CloudTrailClient, CreateTrailCommand, GetTrailStatusCommand, LookupEventsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { deliveringServer, folderLogFiles, journal, waitFor } from './helpers/delivery.ts';
import { ACCOUNT_ID, aws, clientConfig, ROOT, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { cloudtrailRequest, presignedUrl, signedRequest, unsignedRequest } from './helpers/signing.ts';
import type { RawResult } from './helpers/signing.ts';
import { lookupAll, recordOf } from './helpers/records.ts';

const WRONG_SECRET = { accessKeyId: ROOT.accessKeyId, secretAccessKey: 'not-the-secret-at-all-0000000000000000000' };
const UNKNOWN_KEY = { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: ROOT.secretAccessKey };
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const MIN = 60_000;

function assertError(res: RawResult, type: string, status: number, message?: string | RegExp) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers.get('x-amzn-errortype'), type);
  assert.match(res.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
  const text = res.json?.message ?? res.json?.Message;
  if (typeof message === 'string') assert.equal(text, message);
  else if (message) assert.match(text, message);
}

describe('SigV4 verification', () => {
  let s: TestServer;
  let listCount: () => Promise<number>;
  const records = async (requestId: string | null) =>
    (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'chime.amazonaws.com' }] }))
      .map(recordOf)
      .filter((r) => r.requestID === requestId);

  before(async () => {
    s = await startServer();
    listCount = async () => (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ListAccounts' }] })).length;
  });
  after(() => s.close());

  test('a correctly signed raw request is accepted (the baseline of this file)', async () => {
    const res = await signedRequest(s.url, { path: '/accounts' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { Accounts: [] });
  });

  test('no Authorization at all: MissingAuthenticationTokenException 403, not recorded', async () => {
    const before = await listCount();
    const res = await unsignedRequest(s.url, { path: '/accounts' });
    assertError(res, 'MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
    const ct = await unsignedRequest(s.url, { method: 'POST', headers: { 'x-amz-target': 'CloudTrail_20131101.LookupEvents', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    assert.equal(ct.status, 403);
    assert.equal(ct.json.__type, 'MissingAuthenticationTokenException');
    assert.equal(await listCount(), before);
  });

  test('malformed Authorization: IncompleteSignatureException 400', async () => {
    const cases: [string, RegExp][] = [
      ['AWS4-HMAC-SHA256 Credential=abc', /requires 'SignedHeaders' parameter|Credential must have exactly 5/],
      [`AWS4-HMAC-SHA256 Credential=${ROOT.accessKeyId}/20260101/us-east-1/chime/aws4_request, SignedHeaders=host`, /requires 'Signature' parameter/],
      ['AWS4-HMAC-SHA256 Credential=a b c', /not a valid key=value pair/],
      ['Bearer abcdef', /algorithm/],
      ['', /algorithm/],
    ];
    for (const [authorization, message] of cases) {
      const res = await unsignedRequest(s.url, { path: '/accounts', headers: { authorization, 'x-amz-date': '20260101T000000Z' } });
      assertError(res, 'IncompleteSignatureException', 400, message);
    }
    const noDate = await signedRequest(s.url, { path: '/accounts' }, (req) => delete req.headers['x-amz-date']);
    assertError(noDate, 'IncompleteSignatureException', 400, /requires existence of either a 'X-Amz-Date' or a 'Date' header/);
    const badDate = await signedRequest(s.url, { path: '/accounts' }, (req) => (req.headers['x-amz-date'] = 'yesterday'));
    assertError(badDate, 'IncompleteSignatureException', 400, /ISO-8601 'basic format'/);
  });

  test('unknown access key: UnrecognizedClientException 403, not recorded', async () => {
    const before = await listCount();
    const res = await signedRequest(s.url, { path: '/accounts', credentials: UNKNOWN_KEY });
    assertError(res, 'UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
    assert.equal(await listCount(), before);
    assert.deepEqual(await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: UNKNOWN_KEY.accessKeyId }] }), []);
  });

  test('wrong secret: InvalidSignatureException 403, recorded with the key owner and the error', async () => {
    const res = await signedRequest(s.url, { path: '/accounts', credentials: WRONG_SECRET });
    assertError(res, 'InvalidSignatureException', 403, MISMATCH);
    const [r, ...rest] = await records(res.headers.get('x-amzn-requestid'));
    assert.equal(rest.length, 0);
    assert.deepEqual(r.userIdentity, {
      type: 'Root',
      principalId: ACCOUNT_ID,
      arn: `arn:aws:iam::${ACCOUNT_ID}:root`,
      accountId: ACCOUNT_ID,
      accessKeyId: ROOT.accessKeyId,
    });
    assert.equal(r.eventName, 'ListAccounts');
    assert.equal(r.errorCode, 'InvalidSignatureException');
    assert.equal(r.errorMessage, MISMATCH);
    assert.equal(r.responseElements, null);
    assert.equal(r.readOnly, true);
  });

  test('a body changed after signing is refused and changes nothing', async () => {
    const call = { method: 'POST', path: '/accounts', headers: { 'content-type': 'application/json' }, body: '{"Name":"signed"}' };
    const tampered = await signedRequest(s.url, call, (req) => (req.body = '{"Name":"evil"}'));
    assertError(tampered, 'InvalidSignatureException', 403, MISMATCH);
    // With x-amz-content-sha256 (as the JS SDK sends it) naming the original body's hash.
    const { createHash } = await import('node:crypto');
    const declared = createHash('sha256').update(call.body).digest('hex');
    const withHash = await signedRequest(s.url, { ...call, headers: { ...call.headers, 'x-amz-content-sha256': declared } }, (req) => (req.body = '{"Name":"evil"}'));
    assertError(withHash, 'InvalidSignatureException', 403, /x-amz-content-sha256/);
    const [r] = await records(withHash.headers.get('x-amzn-requestid'));
    assert.equal(r.eventName, 'CreateAccount');
    assert.equal(r.errorCode, 'InvalidSignatureException');
    const list = await signedRequest(s.url, { path: '/accounts' });
    assert.deepEqual(list.json, { Accounts: [] });
  });

  test('a wrong signature, a header changed after signing, a signed header missing: InvalidSignatureException 403', async () => {
    const flip = (h: string) => h.replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`);
    const wrong = await signedRequest(s.url, { path: '/accounts' }, (req) => (req.headers.authorization = flip(req.headers.authorization)));
    assertError(wrong, 'InvalidSignatureException', 403, MISMATCH);
    const short = await signedRequest(s.url, { path: '/accounts' }, (req) => {
      req.headers.authorization = req.headers.authorization.replace(/Signature=\w+/, 'Signature=abc');
    });
    assertError(short, 'InvalidSignatureException', 403, MISMATCH);
    const changedQuery = await signedRequest(s.url, { path: '/accounts', query: { name: 'a' } }, (req) => (req.query = { name: 'b' }));
    assertError(changedQuery, 'InvalidSignatureException', 403, MISMATCH);
    const changedPath = await signedRequest(s.url, { path: '/accounts/one' }, (req) => (req.path = '/accounts/two'));
    assertError(changedPath, 'InvalidSignatureException', 403, MISMATCH);
    const missingHeader = await signedRequest(s.url, { path: '/accounts', headers: { 'x-custom': 'yes' } }, (req) => delete req.headers['x-custom']);
    assertError(missingHeader, 'InvalidSignatureException', 403, MISMATCH);
  });

  test('signed 16 minutes ago: "Signature expired"; 16 minutes ahead: "Signature not yet current"; both recorded', async () => {
    const old = await signedRequest(s.url, { path: '/accounts', signingDate: new Date(Date.now() - 16 * MIN) });
    assertError(old, 'InvalidSignatureException', 403, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const ahead = await signedRequest(s.url, { path: '/accounts', signingDate: new Date(Date.now() + 16 * MIN) });
    assertError(ahead, 'InvalidSignatureException', 403, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/);
    for (const res of [old, ahead]) {
      const [r] = await records(res.headers.get('x-amzn-requestid'));
      assert.equal(r.errorCode, 'InvalidSignatureException');
      assert.equal(r.errorMessage, res.json.message);
    }
    // Within the window a skewed clock is fine.
    for (const skew of [-14 * MIN, 14 * MIN]) {
      const ok = await signedRequest(s.url, { path: '/accounts', signingDate: new Date(Date.now() + skew) });
      assert.equal(ok.status, 200, ok.text);
    }
  });

  test('a credential scope for another service or a bad region: InvalidSignatureException 403', async () => {
    const other = await signedRequest(s.url, { path: '/accounts', service: 'dynamodb' });
    assertError(other, 'InvalidSignatureException', 403, /Credential should be scoped to a valid service/);
    const region = await signedRequest(s.url, { path: '/accounts', region: 'moon' });
    assertError(region, 'InvalidSignatureException', 403, /Credential should be scoped to a valid region/);
    // A client signing for another region (as with --endpoint-url) is fine, the European
    // Sovereign Cloud's too (refused before: its regions start with four letters).
    for (const region of ['eu-west-1', 'us-isof-south-1', 'eusc-de-east-1']) {
      const other = await signedRequest(s.url, { path: '/accounts', region });
      assert.equal(other.status, 200, `${region}: ${other.text}`);
    }
    assertError(await signedRequest(s.url, { path: '/accounts', region: 'europe-west-1' }), 'InvalidSignatureException', 403, /Credential should be scoped to a valid region/);
  });

  test('presigned GET URLs: a valid one works, an expired one is refused and recorded', async () => {
    const valid = await presignedUrl(s.url, { path: '/accounts', expiresIn: 300 });
    const ok = await fetch(valid);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.deepEqual(await ok.json(), { Accounts: [] });

    const expiredUrl = await presignedUrl(s.url, { path: '/accounts', expiresIn: 60, signingDate: new Date(Date.now() - 2 * MIN) });
    const expired = await fetch(expiredUrl);
    const body = await expired.json();
    assert.equal(expired.status, 403);
    assert.equal(expired.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
    assert.match(body.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 60 sec\.\)$/);
    const [r] = await records(expired.headers.get('x-amzn-requestid'));
    assert.equal(r.errorCode, 'InvalidSignatureException');

    const tampered = await fetch(valid.replace('/accounts?', '/accounts?name=x&'));
    assert.equal(tampered.status, 403);
    assert.equal(tampered.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
    const tooLong = await fetch((await presignedUrl(s.url, { path: '/accounts', expiresIn: 300 })).replace('X-Amz-Expires=300', 'X-Amz-Expires=604801'));
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.headers.get('x-amzn-errortype'), 'IncompleteSignatureException');
  });

  test('the JS SDKs read each refusal by name', async () => {
    const cases: [{ accessKeyId: string; secretAccessKey: string }, string, number][] = [
      [WRONG_SECRET, 'InvalidSignatureException', 403],
      [UNKNOWN_KEY, 'UnrecognizedClientException', 403],
    ];
    for (const [credentials, name, status] of cases) {
      const chime = new ChimeClient(clientConfig(s.url, { credentials }));
      const ct = new CloudTrailClient(clientConfig(s.url, { credentials }));
      for (const send of [() => chime.send(new ListAccountsCommand({})), () => ct.send(new LookupEventsCommand({}))]) {
        const err = await send().then(
          () => assert.fail('accepted'),
          (e) => e,
        );
        assert.equal(err.name, name);
        assert.equal(err.$metadata.httpStatusCode, status);
        assert.equal(err.$fault, 'client');
      }
      chime.destroy();
      ct.destroy();
    }
    // A client whose clock is 20 minutes behind (no retry to correct it).
    const skewed = new ChimeClient({ ...clientConfig(s.url), systemClockOffset: -20 * MIN });
    const err = await skewed.send(new ListAccountsCommand({})).catch((e) => e);
    assert.equal(err.name, 'InvalidSignatureException');
    assert.match(err.message, /^Signature expired/);
    skewed.destroy();
  });

  test('missing and malformed signatures are read by name by the SDKs and the CLI', async () => {
    const cases: [string, (headers: Record<string, string>) => void, number][] = [
      ['MissingAuthenticationTokenException', (h) => delete h.authorization, 403],
      ['IncompleteSignatureException', (h) => (h.authorization = h.authorization.replace(/, Signature=\w+/, '')), 400],
    ];
    for (const [name, mangle, status] of cases) {
      for (const client of [s.chime(), s.cloudtrail()]) {
        (client.middlewareStack as { add: Function }).add(
          (next: any) => (args: any) => {
            mangle(args.request.headers);
            return next(args);
          },
          { step: 'finalizeRequest', priority: 'low' },
        );
        const send = client instanceof ChimeClient ? () => client.send(new ListAccountsCommand({})) : () => (client as CloudTrailClient).send(new LookupEventsCommand({}));
        const err = await send().then(
          () => assert.fail('accepted'),
          (e) => e,
        );
        assert.equal(err.name, name);
        assert.equal(err.$metadata.httpStatusCode, status);
      }
    }
    const unsigned = await aws(s.url, ['--no-sign-request', 'chime', 'list-accounts']);
    assert.match(unsigned.stderr, /An error occurred \(MissingAuthenticationTokenException\) when calling the ListAccounts operation.*: Missing Authentication Token/);
    const unsignedCt = await aws(s.url, ['--no-sign-request', 'cloudtrail', 'lookup-events', '--no-paginate']);
    assert.match(unsignedCt.stderr, /An error occurred \(MissingAuthenticationTokenException\) when calling the LookupEvents operation.*: Missing Authentication Token/);
  });

  test('the aws CLI reads each refusal by name', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ AWS_SECRET_ACCESS_KEY: WRONG_SECRET.secretAccessKey }, 'InvalidSignatureException', MISMATCH],
      [{ AWS_ACCESS_KEY_ID: UNKNOWN_KEY.accessKeyId }, 'UnrecognizedClientException', 'The security token included in the request is invalid.'],
    ];
    for (const [env, name, message] of cases) {
      const chime = await aws(s.url, ['chime', 'list-accounts'], { env });
      assert.equal(chime.code, 255);
      assert.equal(chime.stderr.trim().replace(/ \(reached max retries: \d+\)/, ''), `An error occurred (${name}) when calling the ListAccounts operation: ${message}`);
      const ct = await aws(s.url, ['cloudtrail', 'lookup-events', '--max-results', '1', '--no-paginate'], { env });
      assert.equal(ct.code, 255);
      assert.equal(ct.stderr.trim().replace(/ \(reached max retries: \d+\)/, ''), `An error occurred (${name}) when calling the LookupEvents operation: ${message}`);
    }
  });

  test('paths, queries and bodies that need encoding verify for the SDK and the CLI', async () => {
    const chime = s.chime();
    const odd = "a b/c%d+e=f&g?h'(*)~ü";
    const missing = await chime.send(new GetAccountCommand({ AccountId: odd })).catch((e) => e);
    assert.equal(missing.name, 'NotFoundException', missing.message);
    assert.equal(missing.message, `The requested account ${odd} does not exist.`);
    const listed = await chime.send(new ListAccountsCommand({ Name: odd }));
    assert.deepEqual(listed.Accounts, []);
    const created = await aws(s.url, ['chime', 'create-account', '--name', 'Zürich & Genève = 100%']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.json.Account.Name, 'Zürich & Genève = 100%');
    const got = await aws(s.url, ['chime', 'get-account', '--account-id', odd]);
    assert.match(got.stderr, /An error occurred \(NotFoundException\) when calling the GetAccount operation/);
    const found = await aws(s.url, ['chime', 'list-accounts', '--name', 'Zürich & Genève = 100%']);
    assert.equal(found.code, 0, found.stderr);
    assert.equal(found.json.Accounts.length, 1);
    await chime.send(new DeleteAccountCommand({ AccountId: created.json.Account.AccountId }));
  });

  test('CloudTrail (awsJson) refusals carry __type for botocore', async () => {
    const res = await cloudtrailRequest(s.url, 'LookupEvents', '{}', { credentials: WRONG_SECRET });
    assert.equal(res.status, 403);
    assert.equal(res.json.__type, 'InvalidSignatureException');
    assert.equal(res.json.Message, MISMATCH);
  });
});

test('a region of kilobytes, signed by anyone who knows a key id, is refused before it is recorded: a multi-region trail keeps delivering', async (t) => {
  const { s, bucket } = await deliveringServer(t);
  const ct = s.cloudtrail();
  await ct.send(new CreateTrailCommand({ Name: 'all-regions', S3BucketName: 'logs', IsMultiRegionTrail: true }));
  await ct.send(new StartLoggingCommand({ Name: 'all-regions' }));
  // Well formed, and kilobytes long: before, its refusal was recorded in that region, and no log
  // file could be written any more (LatestDeliveryError InvalidKey).
  const huge = `us-${'a'.repeat(3000)}-1`;
  for (const credentials of [WRONG_SECRET, ROOT]) {
    const res = await cloudtrailRequest(s.url, 'DescribeTrails', '{}', { region: huge, credentials });
    assertError(res, 'InvalidSignatureException', 403, /Credential should be scoped to a valid region/);
  }
  const longest = `us-${'a'.repeat(27)}-1`;
  assert.equal((await cloudtrailRequest(s.url, 'DescribeTrails', '{}', { region: longest })).status, 200);
  assert.equal((await cloudtrailRequest(s.url, 'DescribeTrails', '{}', { region: `us-${'a'.repeat(28)}-1` })).status, 403);
  await s.chime().send(new CreateAccountCommand({ Name: 'after-the-long-region' }));
  await waitFor('the account delivered', async () => folderLogFiles(bucket.location).some((f) => f.records.some((r) => r.requestParameters?.name === 'after-the-long-region')));
  assert.equal((await ct.send(new GetTrailStatusCommand({ Name: 'all-regions' }))).LatestDeliveryError, undefined);
  assert.deepEqual([...new Set((await journal(s.server)).map((e) => e.region))].sort(), [longest, 'us-east-1']);
});
