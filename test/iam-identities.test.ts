// Every userIdentity type as CloudTrail writes it, and the Username Event history derives for
// each; conditions on who and where the caller is; cross-account role assumption.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccountCommand, DeleteAccountCommand, GetAccountCommand, ListAccountsCommand, UpdateAccountCommand } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { AttachRolePolicyCommand, CreateRoleCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { ACCOUNT_ID, startServer } from './helpers/server.ts';
import { allow, asCreds, destroyClients, iam, sts, userWithKey, rejectsWith } from './helpers/identity.ts';
import type { Creds } from './helpers/identity.ts';
import { lookupAll, recordOf } from './helpers/records.ts';
import { lookupUsername, userIdentity } from '../src/audit/user-identity.ts';
import { issueConsoleSession } from '../src/iam/console-session.ts';
import { findUser, tagMap } from '../src/iam/entities.ts';


const isoSeconds = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

test('Root, IAMUser, IAMUser session and console session identities, each found by its Username', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const hal = await userWithKey(s, 'hal', allow(['chime:*', 'sts:GetSessionToken', 'iam:ListUsers']));
  const halId = (await sts(s, { credentials: hal }).send(new GetCallerIdentityCommand({}))).UserId!;

  await s.chime().send(new CreateAccountCommand({ Name: 'by-root' }));
  await s.chime({ credentials: hal }).send(new CreateAccountCommand({ Name: 'by-hal' }));
  const session = asCreds((await sts(s, { credentials: hal }).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!);
  await s.chime({ credentials: session }).send(new CreateAccountCommand({ Name: 'by-hal-session' }));
  // Session credentials without MFA may not call IAM, whatever the user's policies say.
  await rejectsWith(iam(s, { credentials: session }).send(new ListUsersCommand({})), 'AccessDenied', /user\/hal is not authorized to perform: iam:ListUsers/);
  await iam(s, { credentials: hal }).send(new ListUsersCommand({}));

  const web = await s.server.context.store.write(async (tx) => {
    const user = (await findUser(tx, ACCOUNT_ID, 'hal'))!;
    const principal = { type: 'IAMUser' as const, accountId: ACCOUNT_ID, userId: user.UserId, userName: 'hal', path: '/', tags: tagMap(user.Tags) };
    return issueConsoleSession(tx, s.server.context.credentials, principal, { mfaAuthenticated: true });
  });
  const consoleCreds: Creds = { accessKeyId: web.accessKeyId, secretAccessKey: web.secretAccessKey, sessionToken: web.sessionToken };
  await s.chime({ credentials: consoleCreds }).send(new CreateAccountCommand({ Name: 'by-hal-console' }));

  const events = await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }] });
  const byName = new Map(events.map((e) => [recordOf(e).requestParameters.name, e]));

  const root = byName.get('by-root')!;
  assert.equal(root.Username, 'root');
  assert.deepEqual(recordOf(root).userIdentity, { type: 'Root', principalId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:root`, accountId: ACCOUNT_ID, accessKeyId: 'AKIAOPENTRAILROOT001' });

  const user = byName.get('by-hal')!;
  assert.equal(user.Username, 'hal');
  assert.deepEqual(recordOf(user).userIdentity, { type: 'IAMUser', principalId: halId, arn: `arn:aws:iam::${ACCOUNT_ID}:user/hal`, accountId: ACCOUNT_ID, accessKeyId: hal.accessKeyId, userName: 'hal' });

  const viaSession = byName.get('by-hal-session')!;
  assert.equal(viaSession.Username, 'hal');
  const sessionRecord = recordOf(viaSession);
  assert.deepEqual(sessionRecord.userIdentity, {
    type: 'IAMUser',
    principalId: halId,
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/hal`,
    accountId: ACCOUNT_ID,
    accessKeyId: session.accessKeyId,
    userName: 'hal',
    sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes: { creationDate: sessionRecord.userIdentity.sessionContext.attributes.creationDate, mfaAuthenticated: 'false' } },
  });
  assert.match(sessionRecord.userIdentity.sessionContext.attributes.creationDate, isoSeconds);
  assert.equal(sessionRecord.sessionCredentialFromConsole, undefined);

  const fromConsole = recordOf(byName.get('by-hal-console')!);
  assert.equal(fromConsole.sessionCredentialFromConsole, 'true');
  assert.equal(fromConsole.userIdentity.accessKeyId, web.accessKeyId);
  assert.equal(fromConsole.userIdentity.sessionContext.attributes.mfaAuthenticated, 'true');
  assert.ok(!JSON.stringify(events).includes(web.sessionToken));
});

test('opentrail acting by itself is an AWSService identity with invokedBy', () => {
  const p = { type: 'AWSService' as const, invokedBy: 'cloudtrail.amazonaws.com' };
  assert.deepEqual(userIdentity(p), { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' });
  assert.equal(lookupUsername(p), 'cloudtrail.amazonaws.com');
});

test('conditions on the caller: principal tags, MFA, source IP; explicit deny wins', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['chime:*', 'sts:GetSessionToken'], Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'voice' } } },
      { Effect: 'Deny', Action: 'chime:Delete*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
      { Effect: 'Deny', Action: 'chime:UpdateAccount', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } } },
    ],
  };
  const untagged = await userWithKey(s, 'ivy', policy);
  await rejectsWith(s.chime({ credentials: untagged }).send(new ListAccountsCommand({})), 'ForbiddenException', /user\/ivy is not authorized to perform: chime:ListAccounts because no identity-based policy allows/);
  const jo = await userWithKey(s, 'jo', policy, { tags: { team: 'voice' } });
  const created = await s.chime({ credentials: jo }).send(new CreateAccountCommand({ Name: 'tagged' }));
  const AccountId = created.Account!.AccountId;
  // Long-term keys carry no MFA key at all: BoolIfExists treats that as "false".
  await rejectsWith(
    s.chime({ credentials: jo }).send(new DeleteAccountCommand({ AccountId })),
    'ForbiddenException',
    `User: arn:aws:iam::${ACCOUNT_ID}:user/jo is not authorized to perform: chime:DeleteAccount with an explicit deny in an identity-based policy`,
  );
  // Tests call from 127.0.0.1, outside 10.0.0.0/8.
  await rejectsWith(s.chime({ credentials: jo }).send(new UpdateAccountCommand({ AccountId, Name: 'renamed' })), 'ForbiddenException', /chime:UpdateAccount with an explicit deny/);
  await s.chime({ credentials: jo }).send(new GetAccountCommand({ AccountId }));
  const refused = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'jo' }] })).map(recordOf).filter((r) => r.errorCode);
  assert.deepEqual(refused.map((r) => [r.eventName, r.errorCode]).sort(), [['DeleteAccount', 'ForbiddenException'], ['UpdateAccount', 'ForbiddenException']]);
});

test('cross-account: a role of an account made with `opentrail account create` is assumed from the first account', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const cli = await promisify(execFile)(process.execPath, ['bin/opentrail.js', 'account', 'create', '--account-id', '210987654321', '--data-dir', s.dataDir], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, OPENTRAIL_ROOT_ACCESS_KEY_ID: '', OPENTRAIL_ROOT_SECRET_ACCESS_KEY: '' },
  });
  const other: Creds = {
    accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(cli.stdout)![1],
    secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(cli.stdout)![1],
  };
  assert.equal((await sts(s, { credentials: other }).send(new GetCallerIdentityCommand({}))).Account, '210987654321');
  // The second account trusts the first one's user kim, with an external id.
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:user/kim` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'acme-42' } } }],
  };
  await iam(s, { credentials: other }).send(new CreateRoleCommand({ RoleName: 'partner', AssumeRolePolicyDocument: JSON.stringify(trust) }));
  await iam(s, { credentials: other }).send(new AttachRolePolicyCommand({ RoleName: 'partner', PolicyArn: 'arn:aws:iam::aws:policy/AmazonChimeFullAccess' }));
  const roleArn = 'arn:aws:iam::210987654321:role/partner';

  const kim = await userWithKey(s, 'kim', allow('sts:AssumeRole', roleArn));
  const lou = await userWithKey(s, 'lou', allow('sts:AssumeRole', roleArn));
  await rejectsWith(sts(s, { credentials: kim }).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'kim' })), 'AccessDenied', /sts:AssumeRole on resource: arn:aws:iam::210987654321:role\/partner$/);
  await rejectsWith(sts(s, { credentials: lou }).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'lou', ExternalId: 'acme-42' })), 'AccessDenied', /user\/lou is not authorized/);
  const assumed = await sts(s, { credentials: kim }).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'kim-at-partner', ExternalId: 'acme-42' }));
  const roleCreds = asCreds(assumed.Credentials!);
  await s.chime({ credentials: roleCreds }).send(new CreateAccountCommand({ Name: 'made-across' }));

  // The call is recorded in the role's account; the first account sees only its AssumeRole.
  const there = await s.cloudtrail({ credentials: other }).send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }] }));
  assert.equal(there.Events!.length, 1);
  const record = recordOf(there.Events![0]);
  assert.equal(record.recipientAccountId, '210987654321');
  assert.equal(record.userIdentity.arn, 'arn:aws:sts::210987654321:assumed-role/partner/kim-at-partner');
  assert.equal(record.userIdentity.sessionContext.sessionIssuer.accountId, '210987654321');
  const here = await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }] });
  assert.equal(here.length, 0);
  const assumeRecords = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }] })).map(recordOf);
  assert.equal(assumeRecords.length, 3);
  assert.ok(assumeRecords.every((r) => r.recipientAccountId === ACCOUNT_ID && r.requestParameters.roleArn === roleArn));
});
