// Credentials that must not work: an inactive key, a deleted user's key and sessions, an expired
// or wrong session token, a tampered body, a request replayed after 15 minutes, and a signature
// scoped to another service. Each refusal is the protocol's own error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListAccountsCommand } from '@aws-sdk/client-chime';
import { DeleteAccessKeyCommand, DeleteUserCommand, DeleteUserPolicyCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { ACCOUNT_ID, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { allow, asCreds, destroyClients, iam, sts, userWithKey, rejectsWith } from './helpers/identity.ts';
import type { Creds } from './helpers/identity.ts';
import { lookupAll, recordOf } from './helpers/records.ts';
import { presignedUrl, signedRequest } from './helpers/signing.ts';

const INVALID_TOKEN = 'The security token included in the request is invalid.';


/** Refused by STS (query: InvalidClientTokenId) and by Chime (rest-json: UnrecognizedClientException). */
async function refusedEverywhere(s: TestServer, credentials: Creds): Promise<void> {
  await rejectsWith(sts(s, { credentials }).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', INVALID_TOKEN, 403);
  await rejectsWith(s.chime({ credentials }).send(new ListAccountsCommand({})), 'UnrecognizedClientException', INVALID_TOKEN, 403);
}

/** Makes a session expire `ago` ms before now, as waiting would (its index, the account, kept). */
async function expire(s: TestServer, accessKeyId: string, ago = 1000): Promise<void> {
  await s.server.context.store.write(async (tx) => {
    const key = { collection: 'iam.session', partition: 'global', id: accessKeyId };
    const doc = await tx.docs.get<{ expiration: string; accountId: string }>(key);
    await tx.docs.put(key, { ...doc!, expiration: new Date(Date.now() - ago).toISOString() }, doc!.accountId);
  });
}

const stsBody = 'Action=GetCallerIdentity&Version=2011-06-15';
const stsCall = (credentials: Creds, extra: object = {}) => ({
  method: 'POST',
  service: 'sts',
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: stsBody,
  credentials,
  ...extra,
});

test('an inactive key is refused until it is active again', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const dana = await userWithKey(s, 'dana', allow('chime:List*'));
  await s.chime({ credentials: dana }).send(new ListAccountsCommand({}));
  await iam(s).send(new UpdateAccessKeyCommand({ UserName: 'dana', AccessKeyId: dana.accessKeyId, Status: 'Inactive' }));
  await refusedEverywhere(s, dana);
  await iam(s).send(new UpdateAccessKeyCommand({ UserName: 'dana', AccessKeyId: dana.accessKeyId, Status: 'Active' }));
  await s.chime({ credentials: dana }).send(new ListAccountsCommand({}));
});

test("a deleted user's key and session credentials are refused", async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const erin = await userWithKey(s, 'erin', allow(['chime:List*', 'sts:GetSessionToken']));
  const session = asCreds((await sts(s, { credentials: erin }).send(new GetSessionTokenCommand({}))).Credentials!);
  await s.chime({ credentials: session }).send(new ListAccountsCommand({}));
  await rejectsWith(iam(s).send(new DeleteUserCommand({ UserName: 'erin' })), 'DeleteConflictException', 'Cannot delete entity, must delete access keys first.', 409);
  await iam(s).send(new DeleteAccessKeyCommand({ UserName: 'erin', AccessKeyId: erin.accessKeyId }));
  await iam(s).send(new DeleteUserPolicyCommand({ UserName: 'erin', PolicyName: 'inline' }));
  await iam(s).send(new DeleteUserCommand({ UserName: 'erin' }));
  await refusedEverywhere(s, erin);
  await refusedEverywhere(s, session);
});

test('an expired session is refused with ExpiredToken, and a wrong or missing token as invalid', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const fay = await userWithKey(s, 'fay', allow(['chime:List*', 'sts:GetSessionToken']));
  const session = asCreds((await sts(s, { credentials: fay }).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!);
  await rejectsWith(sts(s, { credentials: fay }).send(new GetSessionTokenCommand({ DurationSeconds: 899 })), 'ValidationError', "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", 400);

  await refusedEverywhere(s, { ...session, sessionToken: `${session.sessionToken!.slice(0, -4)}AAAA` });
  await refusedEverywhere(s, { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey });
  // A long-term key with a session token is no valid pair either.
  await refusedEverywhere(s, { ...fay, sessionToken: session.sessionToken });

  await s.chime({ credentials: session }).send(new ListAccountsCommand({}));
  await expire(s, session.accessKeyId);
  await rejectsWith(sts(s, { credentials: session }).send(new GetCallerIdentityCommand({})), 'ExpiredToken', 'The security token included in the request is expired', 403);
  await rejectsWith(s.chime({ credentials: session }).send(new ListAccountsCommand({})), 'ExpiredTokenException', 'The security token included in the request is expired', 403);
  // A day after expiry a session is forgotten once new ones are issued: then it is unknown.
  await expire(s, session.accessKeyId, 24 * 3600_000 + 1000);
  await sts(s, { credentials: fay }).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  await refusedEverywhere(s, session);
  // The refusal is recorded with the caller it names, in each protocol's words.
  const records = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: session.accessKeyId }] })).map(recordOf);
  assert.deepEqual(
    records.filter((r) => r.errorCode).map((r) => [r.eventSource, r.eventName, r.errorCode]).sort(),
    [
      ['chime.amazonaws.com', 'ListAccounts', 'ExpiredTokenException'],
      ['sts.amazonaws.com', 'GetCallerIdentity', 'ExpiredToken'],
    ],
  );
});

test('a tampered body, a replay after 15 minutes and a scope for another service are refused', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const gus = await userWithKey(s, 'gus', allow('sts:GetSessionToken'));
  const session = asCreds((await sts(s, { credentials: gus }).send(new GetSessionTokenCommand({}))).Credentials!);

  const good = await signedRequest(s.url, stsCall(session));
  assert.equal(good.status, 200, good.text);
  assert.match(good.text, new RegExp(`<Arn>arn:aws:iam::${ACCOUNT_ID}:user/gus</Arn>`));

  const tampered = await signedRequest(s.url, stsCall(session), (req) => {
    req.body = 'Action=GetSessionToken&Version=2011-06-15';
  });
  assert.equal(tampered.status, 403);
  assert.match(tampered.text, /<Type>Sender<\/Type><Code>SignatureDoesNotMatch<\/Code><Message>The request signature we calculated does not match the signature you provided\./);

  const replayed = await signedRequest(s.url, stsCall(session, { signingDate: new Date(Date.now() - 16 * 60_000) }));
  assert.equal(replayed.status, 403);
  assert.match(replayed.text, /<Code>SignatureDoesNotMatch<\/Code><Message>Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)<\/Message>/);

  const otherService = await signedRequest(s.url, stsCall(session, { service: 'ec2' }));
  assert.equal(otherService.status, 403);
  assert.match(otherService.text, /<Code>SignatureDoesNotMatch<\/Code><Message>Credential should be scoped to a valid service: 'ec2' is not served here\. <\/Message>/);

  // The scope names the service: an STS call scoped to IAM reaches IAM, which has no such action.
  const rescoped = await signedRequest(s.url, stsCall(session), (req) => {
    req.headers['authorization'] = req.headers['authorization'].replace('/sts/aws4_request', '/iam/aws4_request');
  });
  assert.equal(rescoped.status, 400);
  assert.match(rescoped.text, /<Code>InvalidAction<\/Code><Message>Could not find operation GetCallerIdentity for version 2011-06-15<\/Message>/);

  // A presigned GetCallerIdentity URL (how other systems prove an identity) works as signed only.
  const presigned = await presignedUrl(s.url, { method: 'GET', service: 'sts', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, credentials: session, expiresIn: 60 });
  const viaUrl = await fetch(presigned);
  assert.equal(viaUrl.status, 200);
  assert.match(await viaUrl.text(), new RegExp(`<GetCallerIdentityResult><UserId>[A-Z0-9]{21}</UserId><Account>${ACCOUNT_ID}</Account><Arn>arn:aws:iam::${ACCOUNT_ID}:user/gus</Arn>`));
  const changed = await fetch(presigned.replace('GetCallerIdentity', 'GetSessionToken'));
  assert.equal(changed.status, 403);
  assert.match(await changed.text(), /<Code>SignatureDoesNotMatch<\/Code>/);

  // Refusals of a known key are recorded as STS/IAM calls of that user.
  const records = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: session.accessKeyId }] })).map(recordOf);
  assert.equal(records.filter((r) => r.errorCode === 'SignatureDoesNotMatch').length, 3);
  assert.ok(records.every((r) => r.userIdentity.type === 'IAMUser' && r.userIdentity.userName === 'gus'));
});
