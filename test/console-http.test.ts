// The console's server side over plain HTTP: what it owns on the API port, sign-in and its
// ConsoleLogin records, sessions, CSRF, and console actions as audited API calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ChimeClient, ListAccountsCommand } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateLoginProfileCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, IAMClient } from '@aws-sdk/client-iam';
import { base32Decode, timeStep, totp } from '../src/iam/totp.ts';
import { Sessions } from '../src/console/sessions.ts';
import { SignInThrottle } from '../src/console/throttle.ts';
import { ACCOUNT_ID, clientConfig, startServer, tempDir } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { ROOT_PASSWORD } from './helpers/console.ts';
import { HttpBrowser as Browser, UA } from './helpers/http-browser.ts';

async function records(s: TestServer, name: string) {
  const out = await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }));
  return out.Events!.map((e) => JSON.parse(e.CloudTrailEvent!));
}

const server = () => startServer({ env: { OPENTRAIL_ROOT_PASSWORD: ROOT_PASSWORD } });

test('the console owns / and /console/**; API requests, signed or not, still reach the pipeline', async (t) => {
  const s = await server();
  t.after(() => s.close());
  const page = await fetch(`${s.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /^text\/html/);
  const csp = page.headers.get('content-security-policy')!;
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(await page.text(), /<script type="module" src="\/console\/assets\/js\/app.js">/);
  assert.equal((await fetch(`${s.url}/console/assets/js/app.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await fetch(`${s.url}/console/assets/..%2f..%2fserver.ts`)).status, 404);

  const unsigned = [
    fetch(`${s.url}/`, { method: 'POST', headers: { 'x-amz-target': 'CloudTrail_20131101.LookupEvents', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' }),
    fetch(`${s.url}/`, { headers: { 'x-amz-target': 'CloudTrail_20131101.LookupEvents' } }),
    fetch(`${s.url}/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"Name":"x"}' }),
  ];
  for (const res of await Promise.all(unsigned)) {
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  }
  // A signed or presigned request on a console path is the API's too.
  const presigned = await fetch(`${s.url}/console/api/session?X-Amz-Credential=x`);
  assert.equal(presigned.headers.get('x-amzn-errortype'), 'IncompleteSignatureException');
  const signed = await fetch(`${s.url}/console/api/session`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/chime/aws4_request' } });
  assert.equal(signed.headers.get('x-amzn-errortype'), 'IncompleteSignatureException');
  // The SDK's calls to / (awsJson) still work.
  const found = await s.cloudtrail().send(new LookupEventsCommand({ MaxResults: 1 }));
  assert.ok(Array.isArray(found.Events));
});

test('root sign-in: every attempt is a ConsoleLogin event; a good one opens an HttpOnly, SameSite=Strict session', async (t) => {
  const s = await server();
  t.after(() => s.close());
  const b = new Browser(s.url);
  await b.session();
  const noCsrf = await b.send('POST', '/console/api/sign-in', { accountId: ACCOUNT_ID, password: ROOT_PASSWORD }, { 'x-csrf-token': '' });
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.json.error.message, 'Missing or wrong CSRF token.');

  const bad = await b.signIn({ accountId: ACCOUNT_ID, password: 'wrong' });
  assert.equal(bad.status, 401);
  assert.deepEqual(bad.json.error, { code: 'FailedAuthentication', message: 'Your authentication information is incorrect. Please try again.' });
  const good = await b.send('POST', '/console/api/sign-in', { accountId: ACCOUNT_ID, password: ROOT_PASSWORD });
  assert.equal(good.status, 200);
  const cookie = good.headers.getSetCookie().find((c) => c.startsWith('ot_session='))!;
  assert.match(cookie, /; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  const me = await b.session();
  assert.equal(me.json.signedIn, true);
  assert.equal(me.json.type, 'Root');
  assert.equal(me.json.userName, 'root');

  const [success, failure] = await records(s, 'ConsoleLogin');
  const common = {
    eventVersion: '1.11',
    userIdentity: { type: 'Root', principalId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:root`, accountId: ACCOUNT_ID, accessKeyId: '' },
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '127.0.0.1',
    userAgent: UA,
    requestParameters: null,
    additionalEventData: { LoginTo: `${s.url}/`, MobileVersion: 'No', MFAUsed: 'No' },
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: ACCOUNT_ID,
    eventCategory: 'Management',
  };
  const strip = ({ eventID, eventTime, ...rest }: Record<string, unknown>) => (assert.match(String(eventID), /^[0-9a-f-]{36}$/), assert.match(String(eventTime), /Z$/), rest);
  assert.deepEqual(strip(failure), { ...common, errorMessage: 'Failed authentication', responseElements: { ConsoleLogin: 'Failure' } });
  assert.deepEqual(strip(success), { ...common, responseElements: { ConsoleLogin: 'Success' } });
  assert.equal(failure.errorCode, undefined);
});

test('console actions are API calls made with console credentials, recorded with the browser user agent', async (t) => {
  const s = await server();
  t.after(() => s.close());
  const b = new Browser(s.url, 'Hostile <img src=x onerror=alert(1)>');
  assert.equal((await b.signIn({ accountId: ACCOUNT_ID, password: ROOT_PASSWORD })).status, 200);

  const created = await b.send('POST', '/console/api/call/chime/CreateAccount', { input: { Name: 'console-made' } });
  assert.equal(created.status, 200);
  assert.equal(created.json.output.Account.Name, 'console-made');
  const [record] = await records(s, 'CreateAccount');
  assert.equal(record.userAgent, 'Hostile <img src=x onerror=alert(1)>');
  assert.equal(record.sessionCredentialFromConsole, 'true');
  assert.match(record.userIdentity.accessKeyId, /^ASIA/);
  assert.equal(record.userIdentity.sessionContext.attributes.mfaAuthenticated, 'false');
  assert.equal(record.requestParameters.name, 'console-made');

  const missing = await b.send('POST', '/console/api/call/chime/GetAccount', { input: { AccountId: '00000000-0000-0000-0000-000000000000' } });
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'NotFoundException');
  const unknown = await b.send('POST', '/console/api/call/chime/DeleteEverything', { input: {} });
  assert.deepEqual(unknown.json.error, { code: 'UnknownOperationException', message: 'The console does not call chime:DeleteEverything.' });

  const noToken = await b.send('POST', '/console/api/call/chime/CreateAccount', { input: { Name: 'csrf' } }, { 'x-csrf-token': 'forged' });
  assert.equal(noToken.status, 403);
  const crossSite = await b.send('POST', '/console/api/call/chime/CreateAccount', { input: { Name: 'csrf' } }, { origin: 'https://evil.example' });
  assert.equal(crossSite.status, 403);
  assert.equal(crossSite.json.error.message, 'Cross-origin request refused.');
  const huge = await b.send('POST', '/console/api/call/chime/CreateAccount', { input: { Name: 'x'.repeat(11 * 1024 * 1024) } });
  assert.deepEqual([huge.status, huge.json.error.message], [413, 'Request body is too large']);
  const form = await b.send('POST', '/console/api/call/chime/CreateAccount', undefined, { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': b.csrf });
  assert.equal(form.status, 415);
  assert.equal((await records(s, 'CreateAccount')).length, 1);

  const page = await b.send('GET', '/console/api/events?region=us-east-1&key=EventName&value=CreateAccount');
  assert.equal(page.json.events.length, 1);
  assert.equal(page.headers.get('cache-control'), 'no-store');
  assert.equal(page.json.events[0].eventName, 'CreateAccount');
  const badTime = await b.send('GET', '/console/api/events?start=yesterday');
  assert.deepEqual([badTime.status, badTime.json.error], [400, { code: 'InvalidFilter', message: "'yesterday' is not a time" }]);
  const badKey = await b.send('GET', '/console/api/events?key=Colour&value=blue');
  assert.deepEqual([badKey.status, badKey.json.error.message], [400, 'key is not a lookup attribute']);
  // The regions a call may be signed for, no more and no fewer (a region of kilobytes was let through, eusc-de-east-1 refused).
  assert.equal((await b.send('GET', '/console/api/events?region=eusc-de-east-1')).status, 200);
  const badRegion = await b.send('GET', `/console/api/events?region=us-${'a'.repeat(3000)}-1`);
  assert.deepEqual([badRegion.status, badRegion.json.error.message], [400, 'region is not a region name']);
  // Looking at Event history is itself an audited LookupEvents call.
  const [lookup] = await records(s, 'LookupEvents');
  assert.equal(lookup.sessionCredentialFromConsole, 'true');

  // The credentials the console signed those calls with (kept server-side, sealed).
  const sessions = new Sessions(s.server.context.store, s.server.context.box, async () => undefined);
  const { credentials } = (await sessions.get(b.cookies.get('ot_session')))!;
  const withConsoleCredentials = new ChimeClient(clientConfig(s.url, { credentials }));
  t.after(() => withConsoleCredentials.destroy());
  assert.equal((await withConsoleCredentials.send(new ListAccountsCommand({}))).$metadata.httpStatusCode, 200);

  const out = await b.send('POST', '/console/api/sign-out', {});
  assert.equal(out.status, 200);
  assert.equal((await b.send('GET', '/console/api/events')).status, 401);
  assert.equal((await b.session()).json.signedIn, false);
  // Signing out ends them too, long before their expiration.
  await assert.rejects(withConsoleCredentials.send(new ListAccountsCommand({})), { name: 'UnrecognizedClientException' });
});

test('password guessing is cut short: after 10 failures, attempts are refused for 15 minutes', async (t) => {
  const s = await server();
  t.after(() => s.close());
  const b = new Browser(s.url);
  for (let i = 0; i < 10; i++) assert.equal((await b.signIn({ accountId: ACCOUNT_ID, password: `guess-${i}` })).status, 401);
  const refused = await b.signIn({ accountId: ACCOUNT_ID, password: ROOT_PASSWORD });
  assert.deepEqual([refused.status, refused.json.error], [429, { code: 'TooManyAttempts', message: 'Too many failed sign-in attempts. Try again in 15 minutes.' }]);
  // Refused attempts are not checked, so they are not sign-ins: ten failures recorded, no success.
  const logins = await records(s, 'ConsoleLogin');
  assert.deepEqual(logins.map((r) => r.responseElements.ConsoleLogin), Array(10).fill('Failure'));
});

test('a session ends at its expiry', async (t) => {
  const s = await server();
  t.after(() => s.close());
  const sessions = new Sessions(s.server.context.store, s.server.context.box, async () => undefined);
  const identity = { accountId: ACCOUNT_ID, type: 'Root' as const, mfaUsed: false };
  const creds = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret' };
  const old = await sessions.create(identity, creds, new Date(Date.now() - 13 * 3600_000));
  const fresh = await sessions.create(identity, creds);
  assert.equal(await sessions.get(old), undefined);
  assert.equal((await sessions.get(fresh))?.accountId, ACCOUNT_ID);
  const b = new Browser(s.url);
  b.cookies.set('ot_session', old);
  assert.equal((await b.send('GET', '/console/api/events')).status, 401);
});

test('IAM user sign-in: unknown name hidden, wrong password and wrong MFA code recorded, MFAUsed Yes on success', async (t) => {
  const s = await server();
  t.after(() => s.close());
  const iam = new IAMClient(clientConfig(s.url));
  t.after(() => iam.destroy());
  await iam.send(new CreateUserCommand({ UserName: 'dana' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'dana', Password: 'Dana-pass-123' }));
  const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'dana' }));
  const seed = base32Decode(Buffer.from(device.VirtualMFADevice!.Base32StringSeed!).toString());
  const step = timeStep(new Date());
  await iam.send(new EnableMFADeviceCommand({ UserName: 'dana', SerialNumber: device.VirtualMFADevice!.SerialNumber, AuthenticationCode1: totp(seed, step - 1), AuthenticationCode2: totp(seed, step) }));

  const b = new Browser(s.url);
  assert.equal((await b.signIn({ accountId: ACCOUNT_ID, userName: 'nobody', password: 'x' })).status, 401);
  assert.equal((await b.signIn({ accountId: ACCOUNT_ID, userName: 'dana', password: 'wrong' })).status, 401);
  const asks = await b.signIn({ accountId: ACCOUNT_ID, userName: 'dana', password: 'Dana-pass-123' });
  assert.deepEqual(asks.json.error, { code: 'MfaRequired', message: 'Enter the code from your MFA device.' });
  assert.equal((await b.signIn({ accountId: ACCOUNT_ID, userName: 'dana', password: 'Dana-pass-123', mfaCode: '000000' === totp(seed, timeStep(new Date())) ? '111111' : '000000' })).status, 401);
  const ok = await b.signIn({ accountId: ACCOUNT_ID, userName: 'dana', password: 'Dana-pass-123', mfaCode: totp(seed, timeStep(new Date()) + 1) });
  assert.equal(ok.status, 200);
  assert.equal((await b.session()).json.userName, 'dana');

  const [success, badMfa, badPassword, unknown] = await records(s, 'ConsoleLogin');
  assert.deepEqual(unknown.userIdentity, { type: 'IAMUser', accountId: ACCOUNT_ID, accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
  assert.equal(badPassword.userIdentity.userName, 'dana');
  assert.equal(badPassword.userIdentity.arn, `arn:aws:iam::${ACCOUNT_ID}:user/dana`);
  assert.deepEqual([badPassword.responseElements, badPassword.additionalEventData.MFAUsed], [{ ConsoleLogin: 'Failure' }, 'No']);
  assert.deepEqual([badMfa.responseElements, badMfa.additionalEventData.MFAUsed, badMfa.errorMessage], [{ ConsoleLogin: 'Failure' }, 'Yes', 'Failed authentication']);
  assert.deepEqual([success.responseElements, success.additionalEventData.MFAUsed], [{ ConsoleLogin: 'Success' }, 'Yes']);

  // The console acts with the user's own permissions: dana has none yet.
  const refused = await b.send('POST', '/console/api/call/chime/CreateAccount', { input: { Name: 'by-dana' } });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.error.code, 'ForbiddenException');
  const [record] = await records(s, 'CreateAccount');
  assert.equal(record.errorCode, 'ForbiddenException');
  assert.equal(record.userIdentity.type, 'IAMUser');
  assert.equal(record.userIdentity.userName, 'dana');
  assert.equal(record.userIdentity.sessionContext.attributes.mfaAuthenticated, 'true');
  assert.equal(record.sessionCredentialFromConsole, 'true');
});

test('the root password is generated once when not configured, and only its scrypt hash is kept', async (t) => {
  const dataDir = tempDir();
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await startServer({ dataDir });
  const password = first.server.generatedRootPassword!;
  assert.match(password, /^[a-zA-Z2-9]{20}$/);
  await first.close();
  const again = await startServer({ dataDir });
  t.after(() => again.close());
  assert.equal(again.server.generatedRootPassword, undefined);
  const stored = await again.server.context.store.read((tx) => tx.docs.get<{ passwordHash: string }>({ collection: 'console.rootPassword', partition: 'global', id: ACCOUNT_ID }));
  assert.match(stored!.passwordHash, /^scrypt\$/);
  assert.ok(!stored!.passwordHash.includes(password));
  assert.equal((await new Browser(again.url).signIn({ accountId: ACCOUNT_ID, password })).status, 200);
});

test('sign-in failures are counted in the store: each window of 15 minutes, and what an attack leaves is swept', async (t) => {
  const s = await server();
  t.after(() => s.close());
  const store = s.server.context.store;
  const throttle = new SignInThrottle(store);
  const t0 = Date.now();
  for (let i = 0; i < 10; i++) await throttle.failed('a', t0);
  assert.equal(await throttle.allows('a', t0 + 60_000), false);
  assert.equal(await throttle.allows('a', t0 + 15 * 60_000), true, 'the window has passed');
  assert.equal(await throttle.allows('b', t0), true, 'another key is not refused');
  for (const key of ['k1', 'k2', 'k3']) await throttle.failed(key, t0);
  const count = () => store.read((tx) => tx.docs.count('console-sign-in-failures', 'global'));
  assert.equal(await count(), 4);
  // A failure after the window has passed for the others sweeps them away.
  await throttle.failed('b', t0 + 16 * 60_000);
  assert.equal(await count(), 1);
});
