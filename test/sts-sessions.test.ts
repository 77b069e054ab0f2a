// Temporary credentials end to end, with the official clients: a role assumed with MFA makes a
// Chime call recorded as that role's session; a federated user with a read-only session policy
// is refused CreateAccount, and the refusal is in Event history with its identity.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccountCommand, ListAccountsCommand } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { ACCOUNT_ID, aws, startServer } from './helpers/server.ts';
import { allow, asCreds, currentCode, destroyClients, iam, mfaCodes, sts, userWithKey, rejectsWith } from './helpers/identity.ts';
import { lookupAll, recordOf } from './helpers/records.ts';

const CHIME_READ_ONLY = 'arn:aws:iam::aws:policy/AmazonChimeReadOnly';
const CHIME_FULL = 'arn:aws:iam::aws:policy/AmazonChimeFullAccess';

const trustAccount = (condition?: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
  });


test('a role assumed with MFA makes a Chime call recorded with mfaAuthenticated "true" and the role as sessionIssuer', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const alice = await userWithKey(s, 'alice', allow('sts:AssumeRole', `arn:aws:iam::${ACCOUNT_ID}:role/team/ChimeAdmin`));
  const device = await iam(s).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice-phone' }));
  const seed = Buffer.from(device.VirtualMFADevice!.Base32StringSeed!).toString();
  assert.match(seed, /^[A-Z2-7]{32}$/);
  const serial = device.VirtualMFADevice!.SerialNumber!;
  assert.equal(serial, `arn:aws:iam::${ACCOUNT_ID}:mfa/alice-phone`);
  await rejectsWith(
    iam(s).send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: '000000', AuthenticationCode2: '000001' })),
    // The JS SDK names a modelled query error by its shape (the wire code is InvalidAuthenticationCode).
    'InvalidAuthenticationCodeException',
    'Authentication code for device is not valid.',
    403,
  );
  const [code1, code2] = mfaCodes(seed);
  await iam(s).send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: code1, AuthenticationCode2: code2 }));

  const role = await iam(s).send(
    new CreateRoleCommand({ RoleName: 'ChimeAdmin', Path: '/team/', AssumeRolePolicyDocument: trustAccount({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) }),
  );
  await iam(s).send(new AttachRolePolicyCommand({ RoleName: 'ChimeAdmin', PolicyArn: CHIME_FULL }));
  const roleArn = role.Role!.Arn!;
  assert.equal(roleArn, `arn:aws:iam::${ACCOUNT_ID}:role/team/ChimeAdmin`);

  // The trust policy asks for MFA: without it, no credentials.
  const denied = `User: arn:aws:iam::${ACCOUNT_ID}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
  await rejectsWith(sts(s, { credentials: alice }).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ops-session' })), 'AccessDenied', denied, 403);
  await rejectsWith(
    sts(s, { credentials: alice }).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ops-session', SerialNumber: serial, TokenCode: '123456' })),
    'AccessDenied',
    'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
  );
  // Codes up to the one that enabled the device are spent; the next one works, once.
  const code = currentCode(seed, 1);
  const assumed = await sts(s, { credentials: alice }).send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ops-session', SerialNumber: serial, TokenCode: code, DurationSeconds: 900 }),
  );
  await rejectsWith(
    sts(s, { credentials: alice }).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'again', SerialNumber: serial, TokenCode: code })),
    'AccessDenied',
    /MultiFactorAuthentication failed/,
  );
  assert.match(assumed.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
  assert.equal(assumed.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCOUNT_ID}:assumed-role/ChimeAdmin/ops-session`);
  assert.equal(assumed.AssumedRoleUser!.AssumedRoleId, `${role.Role!.RoleId}:ops-session`);
  const expiresIn = assumed.Credentials!.Expiration!.getTime() - Date.now();
  assert.ok(expiresIn > 890_000 && expiresIn <= 900_000, `expires in 900 s, got ${expiresIn} ms`);

  const roleCreds = asCreds(assumed.Credentials!);
  const who = await sts(s, { credentials: roleCreds }).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([who.Arn, who.UserId, who.Account], [assumed.AssumedRoleUser!.Arn, assumed.AssumedRoleUser!.AssumedRoleId, ACCOUNT_ID]);
  const created = await s.chime({ credentials: roleCreds }).send(new CreateAccountCommand({ Name: 'mfa-made' }));
  // The role has Chime permissions only.
  await rejectsWith(iam(s, { credentials: roleCreds }).send(new ListUsersCommand({})), 'AccessDenied', /assumed-role\/ChimeAdmin\/ops-session is not authorized to perform: iam:ListUsers/);

  const events = await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'ops-session' }] }));
  const record = events.Events!.map(recordOf).find((r) => r.eventName === 'CreateAccount')!;
  assert.equal(record.responseElements.account.accountId, created.Account!.AccountId);
  const identity = record.userIdentity;
  assert.deepEqual(identity, {
    type: 'AssumedRole',
    principalId: `${role.Role!.RoleId}:ops-session`,
    arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/ChimeAdmin/ops-session`,
    accountId: ACCOUNT_ID,
    accessKeyId: roleCreds.accessKeyId,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: role.Role!.RoleId, arn: roleArn, accountId: ACCOUNT_ID, userName: 'ChimeAdmin' },
      webIdFederationData: {},
      attributes: { creationDate: identity.sessionContext.attributes.creationDate, mfaAuthenticated: 'true' },
    },
  });
  assert.match(identity.sessionContext.attributes.creationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  // The AssumeRole call itself: recorded by STS, credentials' secrets never in it.
  const stsEvents = await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }] });
  const ok = stsEvents.map(recordOf).find((r) => !r.errorCode)!;
  assert.equal(ok.eventSource, 'sts.amazonaws.com');
  assert.equal(ok.userIdentity.userName, 'alice');
  assert.deepEqual(ok.requestParameters, { roleArn, roleSessionName: 'ops-session', durationSeconds: 900, serialNumber: serial, tokenCode: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
  assert.equal(ok.responseElements.credentials.accessKeyId, roleCreds.accessKeyId);
  assert.equal(ok.responseElements.credentials.secretAccessKey, 'HIDDEN_DUE_TO_SECURITY_REASONS');
  assert.equal(ok.responseElements.credentials.sessionToken, 'HIDDEN_DUE_TO_SECURITY_REASONS');
  const everything = JSON.stringify(stsEvents);
  assert.ok(!everything.includes(roleCreds.secretAccessKey) && !everything.includes(roleCreds.sessionToken!));
  const refusals = stsEvents.map(recordOf).filter((r) => r.errorCode === 'AccessDenied');
  assert.equal(refusals.length, 3);
  assert.ok(refusals.some((r) => r.errorMessage === denied));
});

test('a federated user with a read-only session policy is refused CreateAccount, and the refusal is in Event history', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const issuer = await userWithKey(s, 'fed-issuer', allow('sts:GetFederationToken'), { managed: [CHIME_FULL] });
  const token = await sts(s, { credentials: issuer }).send(new GetFederationTokenCommand({ Name: 'partner-bob', PolicyArns: [{ arn: CHIME_READ_ONLY }] }));
  assert.equal(token.FederatedUser!.Arn, `arn:aws:sts::${ACCOUNT_ID}:federated-user/partner-bob`);
  assert.equal(token.FederatedUser!.FederatedUserId, `${ACCOUNT_ID}:partner-bob`);
  const bob = asCreds(token.Credentials!);

  await s.chime({ credentials: bob }).send(new ListAccountsCommand({}));
  const refused = s.chime({ credentials: bob }).send(new CreateAccountCommand({ Name: 'not-allowed' }));
  const message = `User: arn:aws:sts::${ACCOUNT_ID}:federated-user/partner-bob is not authorized to perform: chime:CreateAccount because no session policy allows the chime:CreateAccount action`;
  await rejectsWith(refused, 'ForbiddenException', message, 403);
  // Federated users may not call IAM, nor STS but GetCallerIdentity.
  await rejectsWith(iam(s, { credentials: bob }).send(new ListUsersCommand({})), 'AccessDenied');
  await rejectsWith(
    sts(s, { credentials: bob }).send(new GetSessionTokenCommand({})),
    'AccessDenied',
    `User: arn:aws:sts::${ACCOUNT_ID}:federated-user/partner-bob is not authorized to perform: sts:GetSessionToken because no identity-based policy allows the sts:GetSessionToken action`,
  );
  assert.equal((await sts(s, { credentials: bob }).send(new GetCallerIdentityCommand({}))).UserId, `${ACCOUNT_ID}:partner-bob`);

  const found = await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'partner-bob' }] }));
  const create = found.Events!.find((e) => e.EventName === 'CreateAccount')!;
  assert.equal(create.Username, 'partner-bob');
  assert.equal(create.AccessKeyId, bob.accessKeyId);
  const record = recordOf(create);
  assert.equal(record.errorCode, 'ForbiddenException');
  assert.equal(record.errorMessage, message);
  assert.equal(record.responseElements, null);
  assert.deepEqual(record.requestParameters, { name: 'not-allowed' });
  assert.deepEqual(record.userIdentity, {
    type: 'FederatedUser',
    principalId: `${ACCOUNT_ID}:partner-bob`,
    arn: `arn:aws:sts::${ACCOUNT_ID}:federated-user/partner-bob`,
    accountId: ACCOUNT_ID,
    accessKeyId: bob.accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'IAMUser',
        principalId: record.userIdentity.sessionContext.sessionIssuer.principalId,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/fed-issuer`,
        accountId: ACCOUNT_ID,
        userName: 'fed-issuer',
      },
      webIdFederationData: {},
      attributes: { creationDate: record.userIdentity.sessionContext.attributes.creationDate, mfaAuthenticated: 'false' },
    },
  });
  assert.match(record.userIdentity.sessionContext.sessionIssuer.principalId, /^AIDA[A-Z2-7]{17}$/);

  // Without a session policy a federated user has no permission at all.
  const bare = asCreds((await sts(s, { credentials: issuer }).send(new GetFederationTokenCommand({ Name: 'nobody' }))).Credentials!);
  await rejectsWith(s.chime({ credentials: bare }).send(new ListAccountsCommand({})), 'ForbiddenException', /no session policy allows the chime:ListAccounts action/);

  // Root can federate too: its sessionIssuer is Root, and the session policy alone limits it.
  const rootFed = await sts(s).send(new GetFederationTokenCommand({ Name: 'root-fed', Policy: JSON.stringify(allow('chime:*')) }));
  await s.chime({ credentials: asCreds(rootFed.Credentials!) }).send(new CreateAccountCommand({ Name: 'by-root-fed' }));
  const [rootRecord] = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'root-fed' }] })).map(recordOf);
  assert.deepEqual(rootRecord.userIdentity.sessionContext.sessionIssuer, { type: 'Root', principalId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:root`, accountId: ACCOUNT_ID });
});

test('the aws CLI assumes a role with MFA and uses its credentials', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const carol = await userWithKey(s, 'carol', allow('sts:AssumeRole'));
  const outfile = join(s.dataDir, 'seed.txt');
  const device = await aws(s.url, ['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'carol-mfa', '--outfile', outfile, '--bootstrap-method', 'Base32StringSeed']);
  assert.equal(device.code, 0, device.stderr);
  const seed = readFileSync(outfile, 'utf8');
  assert.match(seed, /^[A-Z2-7]{32}$/);
  const serial = `arn:aws:iam::${ACCOUNT_ID}:mfa/carol-mfa`;
  const [c1, c2] = mfaCodes(seed);
  await iam(s).send(new EnableMFADeviceCommand({ UserName: 'carol', SerialNumber: serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
  await iam(s).send(new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: trustAccount() }));
  await iam(s).send(new AttachRolePolicyCommand({ RoleName: 'reader', PolicyArn: CHIME_READ_ONLY }));
  const env = { AWS_ACCESS_KEY_ID: carol.accessKeyId, AWS_SECRET_ACCESS_KEY: carol.secretAccessKey };
  const assumed = await aws(
    s.url,
    ['sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT_ID}:role/reader`, '--role-session-name', 'cli', '--serial-number', serial, '--token-code', currentCode(seed, 1)],
    { env },
  );
  assert.equal(assumed.code, 0, assumed.stderr);
  const c = assumed.json.Credentials;
  const session = { AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken };
  assert.equal(assumed.json.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT_ID}:assumed-role/reader/cli`);
  const refused = await aws(s.url, ['chime', 'create-account', '--name', 'nope'], { env: session });
  assert.equal(refused.code, 255, refused.stderr);
  assert.match(refused.stderr, /An error occurred \(ForbiddenException\) when calling the CreateAccount operation( \(reached max retries: 0\))?: User: arn:aws:sts::\d+:assumed-role\/reader\/cli is not authorized/);
  await s.chime({ credentials: asCreds(c) }).send(new ListAccountsCommand({}));
});
