// IAM over the query protocol with the official clients: users, access keys, login profiles,
// roles, inline and managed policies, the account alias; and how IAM calls are recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateLoginProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteLoginProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateLoginProfileCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ACCOUNT_ID, aws, ROOT, startServer } from './helpers/server.ts';
import { allow, destroyClients, iam, userWithKey, rejectsWith } from './helpers/identity.ts';
import { lookupAll, recordOf } from './helpers/records.ts';
import { verifyIamUserPassword } from '../src/iam/console-session.ts';


const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT_ID }, Action: 'sts:AssumeRole' }] });

test('users: create, get, list with paging and prefixes, rename, and the errors IAM gives', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const admin = iam(s, { region: 'eu-west-1' });
  const created = await admin.send(new CreateUserCommand({ UserName: 'dana', Path: '/ops/', Tags: [{ Key: 'dept', Value: 'ops' }] }));
  assert.equal(created.User!.Arn, `arn:aws:iam::${ACCOUNT_ID}:user/ops/dana`);
  assert.match(created.User!.UserId!, /^AIDA[A-Z2-7]{17}$/);
  assert.deepEqual(created.User!.Tags, [{ Key: 'dept', Value: 'ops' }]);
  await rejectsWith(admin.send(new CreateUserCommand({ UserName: 'DANA' })), 'EntityAlreadyExistsException', 'User with name DANA already exists.', 409);
  await rejectsWith(
    admin.send(new CreateUserCommand({ UserName: 'bad name!' })),
    'ValidationError',
    "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w+=,.@-]+$",
    400,
  );
  await rejectsWith(admin.send(new GetUserCommand({ UserName: 'nobody' })), 'NoSuchEntityException', 'The user with name nobody cannot be found.', 404);
  for (const name of ['erin', 'fay', 'gus']) await admin.send(new CreateUserCommand({ UserName: name }));

  const first = await admin.send(new ListUsersCommand({ MaxItems: 3 }));
  assert.deepEqual(first.Users!.map((u) => u.UserName), ['dana', 'erin', 'fay']);
  assert.equal(first.IsTruncated, true);
  const second = await admin.send(new ListUsersCommand({ MaxItems: 3, Marker: first.Marker }));
  assert.deepEqual(second.Users!.map((u) => u.UserName), ['gus']);
  assert.equal(second.IsTruncated, false);
  // A Marker belongs to its query: another PathPrefix cannot use it.
  await rejectsWith(admin.send(new ListUsersCommand({ PathPrefix: '/ops/', Marker: first.Marker })), 'InvalidInputException', 'Invalid Marker.', 400);
  assert.deepEqual((await admin.send(new ListUsersCommand({ PathPrefix: '/ops/' }))).Users!.map((u) => u.UserName), ['dana']);

  // Root's own GetUser.
  const rootUser = await admin.send(new GetUserCommand({}));
  assert.equal(rootUser.User!.Arn, `arn:aws:iam::${ACCOUNT_ID}:root`);
  assert.equal(rootUser.User!.UserId, ACCOUNT_ID);

  // A renamed user keeps its key, and records name it by its new name.
  const key = await admin.send(new CreateAccessKeyCommand({ UserName: 'erin' }));
  await admin.send(new UpdateUserCommand({ UserName: 'erin', NewUserName: 'erin2', NewPath: '/x/' }));
  await admin.send(new PutUserPolicyCommand({ UserName: 'erin2', PolicyName: 'self', PolicyDocument: JSON.stringify(allow('iam:GetUser', `arn:aws:iam::${ACCOUNT_ID}:user/x/\${aws:username}`)) }));
  const erin = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  const self = await iam(s, { credentials: erin }).send(new GetUserCommand({}));
  assert.equal(self.User!.Arn, `arn:aws:iam::${ACCOUNT_ID}:user/x/erin2`);
  await rejectsWith(
    iam(s, { credentials: erin }).send(new GetUserCommand({ UserName: 'dana' })),
    'AccessDenied',
    `User: arn:aws:iam::${ACCOUNT_ID}:user/x/erin2 is not authorized to perform: iam:GetUser on resource: arn:aws:iam::${ACCOUNT_ID}:user/ops/dana because no identity-based policy allows the iam:GetUser action`,
    403,
  );

  // IAM is global: recorded in us-east-1 whatever the client signed for.
  const [record] = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }] })).map(recordOf).filter((r) => !r.errorCode && r.requestParameters.userName === 'dana');
  assert.equal(record.eventSource, 'iam.amazonaws.com');
  assert.equal(record.awsRegion, 'us-east-1');
  assert.deepEqual(record.additionalEventData, { signingRegion: 'eu-west-1' });
  assert.deepEqual(record.requestParameters, { userName: 'dana', path: '/ops/', tags: [{ key: 'dept', value: 'ops' }] });
  assert.equal(record.responseElements.user.arn, `arn:aws:iam::${ACCOUNT_ID}:user/ops/dana`);
  assert.match(record.responseElements.user.createDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const byResource = await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'dana' }] });
  assert.ok(byResource.some((e) => e.EventName === 'CreateUser' && e.Resources![0].ResourceType === 'AWS::IAM::User'));
  const denied = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'erin2' }] })).map(recordOf).find((r) => r.errorCode);
  assert.equal(denied!.errorCode, 'AccessDenied');
});

test('access keys: two per user, listed without secrets; the secret is shown once and never recorded', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const admin = iam(s);
  await admin.send(new CreateUserCommand({ UserName: 'kim' }));
  const k1 = await admin.send(new CreateAccessKeyCommand({ UserName: 'kim' }));
  const k2 = await admin.send(new CreateAccessKeyCommand({ UserName: 'kim' }));
  assert.match(k1.AccessKey!.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(k1.AccessKey!.Status, 'Active');
  await rejectsWith(admin.send(new CreateAccessKeyCommand({ UserName: 'kim' })), 'LimitExceededException', 'Cannot exceed quota for AccessKeysPerUser: 2', 409);
  const listed = await admin.send(new ListAccessKeysCommand({ UserName: 'kim' }));
  assert.deepEqual(listed.AccessKeyMetadata!.map((k) => [k.UserName, k.AccessKeyId, k.Status]), [
    ['kim', k1.AccessKey!.AccessKeyId, 'Active'],
    ['kim', k2.AccessKey!.AccessKeyId, 'Active'],
  ]);
  // Root's own keys, without a UserName.
  const rootKeys = await admin.send(new ListAccessKeysCommand({}));
  assert.deepEqual(rootKeys.AccessKeyMetadata!.map((k) => k.AccessKeyId), [ROOT.accessKeyId]);

  const records = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccessKey' }] })).map(recordOf);
  const ok = records.filter((r) => !r.errorCode);
  assert.equal(ok.length, 2);
  assert.equal(ok[0].responseElements.accessKey.secretAccessKey, 'HIDDEN_DUE_TO_SECURITY_REASONS');
  const all = JSON.stringify(records);
  assert.ok(!all.includes(k1.AccessKey!.SecretAccessKey!) && !all.includes(k2.AccessKey!.SecretAccessKey!));
  assert.equal(records.find((r) => r.errorCode)!.errorCode, 'LimitExceeded');
});

test('login profiles keep only a hash: the password is checked, never recorded', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const admin = iam(s);
  await admin.send(new CreateUserCommand({ UserName: 'lee' }));
  await rejectsWith(admin.send(new CreateLoginProfileCommand({ UserName: 'lee', Password: 'short' })), 'PasswordPolicyViolationException', 'Password should have a minimum length of 8', 400);
  const password = 'Correct-Horse-9';
  const profile = await admin.send(new CreateLoginProfileCommand({ UserName: 'lee', Password: password, PasswordResetRequired: true }));
  assert.equal(profile.LoginProfile!.UserName, 'lee');
  assert.equal(profile.LoginProfile!.PasswordResetRequired, true);
  await rejectsWith(admin.send(new CreateLoginProfileCommand({ UserName: 'lee', Password: password })), 'EntityAlreadyExistsException', 'Login Profile for user lee already exists.', 409);

  const store = s.server.context.store;
  const verified = await verifyIamUserPassword(store, ACCOUNT_ID, 'lee', password);
  assert.equal(verified?.principal.userName, 'lee');
  assert.equal(verified?.passwordResetRequired, true);
  assert.equal(await verifyIamUserPassword(store, ACCOUNT_ID, 'lee', 'Correct-Horse-8'), undefined);
  assert.equal(await verifyIamUserPassword(store, ACCOUNT_ID, 'nobody', password), undefined);
  await admin.send(new UpdateLoginProfileCommand({ UserName: 'lee', Password: 'Another-Pass-7', PasswordResetRequired: false }));
  assert.equal(await verifyIamUserPassword(store, ACCOUNT_ID, 'lee', password), undefined);
  assert.equal((await verifyIamUserPassword(store, ACCOUNT_ID, 'lee', 'Another-Pass-7'))?.passwordResetRequired, false);
  await admin.send(new DeleteLoginProfileCommand({ UserName: 'lee' }));
  assert.equal(await verifyIamUserPassword(store, ACCOUNT_ID, 'lee', 'Another-Pass-7'), undefined);
  await rejectsWith(admin.send(new DeleteLoginProfileCommand({ UserName: 'lee' })), 'NoSuchEntityException', 'Login Profile for User lee cannot be found.', 404);

  const records = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'lee' }] })).map(recordOf);
  const creates = records.filter((r) => r.eventName === 'CreateLoginProfile');
  assert.equal(creates.length, 3);
  for (const r of creates) assert.equal(r.requestParameters.password, 'HIDDEN_DUE_TO_SECURITY_REASONS');
  const all = JSON.stringify(records);
  for (const secret of [password, 'Another-Pass-7', 'short']) assert.ok(!all.includes(secret), secret);
});

test('roles and policies: trust documents, inline and managed policies, URL-encoded as IAM returns them', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const admin = iam(s);
  await rejectsWith(
    admin.send(new CreateRoleCommand({ RoleName: 'broken', AssumeRolePolicyDocument: '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}' })),
    'MalformedPolicyDocumentException',
    'AssumeRolepolicy contained an invalid principal element',
    400,
  );
  const role = await admin.send(new CreateRoleCommand({ RoleName: 'auditor', AssumeRolePolicyDocument: TRUST, Description: 'reads trails', MaxSessionDuration: 7200 }));
  assert.match(role.Role!.RoleId!, /^AROA[A-Z2-7]{17}$/);
  assert.equal(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!), TRUST);
  const got = await admin.send(new GetRoleCommand({ RoleName: 'AUDITOR' }));
  assert.deepEqual([got.Role!.RoleName, got.Role!.Description, got.Role!.MaxSessionDuration], ['auditor', 'reads trails', 7200]);
  // The aws CLI decodes policy documents itself.
  const cli = await aws(s.url, ['iam', 'get-role', '--role-name', 'auditor']);
  assert.deepEqual(cli.json.Role.AssumeRolePolicyDocument, JSON.parse(TRUST));
  assert.deepEqual((await admin.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName), ['auditor']);

  const doc = JSON.stringify(allow('cloudtrail:LookupEvents'));
  await rejectsWith(admin.send(new PutRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'p', PolicyDocument: '{"Statement":[{"Effect":"Allow","Action":"x","Resource":"*"}]}' })), 'MalformedPolicyDocumentException', 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.', 400);
  await admin.send(new PutRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'lookup', PolicyDocument: doc }));
  const inline = await admin.send(new GetRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'lookup' }));
  assert.equal(decodeURIComponent(inline.PolicyDocument!), doc);
  assert.deepEqual((await admin.send(new ListRolePoliciesCommand({ RoleName: 'auditor' }))).PolicyNames, ['lookup']);
  await rejectsWith(admin.send(new GetRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'nope' })), 'NoSuchEntityException', 'The role policy with name nope cannot be found.', 404);
  await rejectsWith(admin.send(new AttachRolePolicyCommand({ RoleName: 'auditor', PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' })), 'NoSuchEntityException', 'Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.', 404);
  await admin.send(new AttachRolePolicyCommand({ RoleName: 'auditor', PolicyArn: 'arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess' }));
  assert.deepEqual((await admin.send(new ListAttachedRolePoliciesCommand({ RoleName: 'auditor' }))).AttachedPolicies, [
    { PolicyName: 'AWSCloudTrail_ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess' },
  ]);
  await rejectsWith(admin.send(new DeleteRoleCommand({ RoleName: 'auditor' })), 'DeleteConflictException', 'Cannot delete entity, must delete policies first.', 409);
  await admin.send(new DeleteRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'lookup' }));
  await rejectsWith(admin.send(new DeleteRoleCommand({ RoleName: 'auditor' })), 'DeleteConflictException', 'Cannot delete entity, must detach all policies first.', 409);
  await admin.send(new DetachRolePolicyCommand({ RoleName: 'auditor', PolicyArn: 'arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess' }));
  await admin.send(new DeleteRoleCommand({ RoleName: 'auditor' }));
  await rejectsWith(admin.send(new GetRoleCommand({ RoleName: 'auditor' })), 'NoSuchEntityException', 'The role with name auditor cannot be found.', 404);

  // User policies: an inline allow with a managed one; removing the inline one removes the permission.
  const ann = await userWithKey(s, 'ann', allow('chime:ListAccounts'), { managed: ['arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess'] });
  assert.deepEqual((await admin.send(new ListUserPoliciesCommand({ UserName: 'ann' }))).PolicyNames, ['inline']);
  assert.equal((await admin.send(new ListAttachedUserPoliciesCommand({ UserName: 'ann' }))).AttachedPolicies!.length, 1);
  assert.equal(decodeURIComponent((await admin.send(new GetUserPolicyCommand({ UserName: 'ann', PolicyName: 'inline' }))).PolicyDocument!), JSON.stringify(allow('chime:ListAccounts')));
  await admin.send(new AttachUserPolicyCommand({ UserName: 'ann', PolicyArn: 'arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess' }));
  await s.chime({ credentials: ann }).send(new ListAccountsCommand({}));
  await admin.send(new DeleteUserPolicyCommand({ UserName: 'ann', PolicyName: 'inline' }));
  await rejectsWith(s.chime({ credentials: ann }).send(new ListAccountsCommand({})), 'ForbiddenException', /is not authorized to perform: chime:ListAccounts/, 403);
});

test('the account alias names root in records', async (t) => {
  const s = await startServer();
  t.after(async () => (destroyClients(), await s.close()));
  const admin = iam(s);
  await rejectsWith(
    admin.send(new CreateAccountAliasCommand({ AccountAlias: 'Bad--Alias' })),
    'ValidationError',
    /^1 validation error detected: Value 'Bad--Alias' at 'accountAlias' failed to satisfy constraint/,
    400,
  );
  await admin.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-corp' }));
  assert.deepEqual((await admin.send(new ListAccountAliasesCommand({}))).AccountAliases, ['acme-corp']);
  const cli = await aws(s.url, ['iam', 'list-account-aliases']);
  // The CLI pages through and drops the paging members.
  assert.deepEqual(cli.json, { AccountAliases: ['acme-corp'] });
  const [event] = await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ListAccountAliases' }] });
  assert.equal(event.Username, 'root');
  assert.deepEqual(recordOf(event).userIdentity, { type: 'Root', principalId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:root`, accountId: ACCOUNT_ID, accessKeyId: ROOT.accessKeyId, userName: 'acme-corp' });
});

test('a CloudTrail call the caller may not make: AccessDeniedException with HTTP 403, recorded', async (t) => {
  const s = await startServer();
  t.after(async () => {
    destroyClients();
    await s.close();
  });
  const creds = await userWithKey(s, 'no-cloudtrail-rights');
  await rejectsWith(
    s.cloudtrail({ credentials: creds }).send(new LookupEventsCommand({})),
    'AccessDeniedException',
    /cloudtrail:LookupEvents/,
    403,
  );
  const denied = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'no-cloudtrail-rights' }] })).map(recordOf);
  assert.equal(denied.find((r) => r.eventName === 'LookupEvents')?.errorCode, 'AccessDeniedException');
});
