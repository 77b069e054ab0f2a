// Chime accounts, users, suspension, user settings, sign-in delegate groups and retention,
// through @aws-sdk/client-chime: each operation's success and the model's errors our rules produce.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssociateSigninDelegateGroupsWithAccountCommand,
  BatchSuspendUserCommand,
  BatchUnsuspendUserCommand,
  BatchUpdateUserCommand,
  CreateAccountCommand,
  CreateRoomCommand,
  CreateRoomMembershipCommand,
  CreateUserCommand,
  DeleteAccountCommand,
  DisassociateSigninDelegateGroupsFromAccountCommand,
  GetAccountCommand,
  GetAccountSettingsCommand,
  GetRetentionSettingsCommand,
  GetUserCommand,
  GetUserSettingsCommand,
  InviteUsersCommand,
  ListAccountsCommand,
  ListUsersCommand,
  LogoutUserCommand,
  PutRetentionSettingsCommand,
  ResetPersonalPINCommand,
  UpdateAccountCommand,
  UpdateAccountSettingsCommand,
  UpdateUserCommand,
  UpdateUserSettingsCommand,
} from '@aws-sdk/client-chime';
import type { ChimeClient } from '@aws-sdk/client-chime';
import { filesHolding, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { recordOfRequest } from './helpers/records.ts';
import { domainCall, enterpriseAccount, rejectsWith } from './helpers/chime.ts';

let s: TestServer;
let chime: ChimeClient;
before(async () => {
  s = await startServer();
  chime = s.chime();
});
after(() => s.close());

let n = 0;
const teamAccount = async () => (await chime.send(new CreateAccountCommand({ Name: `team-${++n}` }))).Account!.AccountId!;
const createUser = async (accountId: string, email = `user${++n}@example.com`) =>
  (await chime.send(new CreateUserCommand({ AccountId: accountId, Email: email, Username: `User ${n}` }))).User!;
const invite = async (accountId: string, emails: string[]) => {
  await chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: emails }));
  return (await chime.send(new ListUsersCommand({ AccountId: accountId }))).Users!;
};

describe('accounts', () => {
  test('GetAccount, UpdateAccount and ListAccounts (name prefix and user email)', async () => {
    const id = await teamAccount();
    const updated = await chime.send(new UpdateAccountCommand({ AccountId: id, Name: `renamed-${id}`, DefaultLicense: 'Basic' }));
    assert.equal(updated.Account!.DefaultLicense, 'Basic');
    const got = await chime.send(new GetAccountCommand({ AccountId: id }));
    assert.deepEqual(
      { Name: got.Account!.Name, AccountType: got.Account!.AccountType, AccountStatus: got.Account!.AccountStatus },
      { Name: `renamed-${id}`, AccountType: 'Team', AccountStatus: 'Active' },
    );
    assert.ok(got.Account!.CreatedTimestamp instanceof Date);
    const byName = await chime.send(new ListAccountsCommand({ Name: 'renamed-' }));
    assert.ok(byName.Accounts!.some((a) => a.AccountId === id));
    const user = await createUser(id);
    const byEmail = await chime.send(new ListAccountsCommand({ UserEmail: user.PrimaryEmail }));
    assert.deepEqual(byEmail.Accounts!.map((a) => a.AccountId), [id]);
    await rejectsWith(chime.send(new GetAccountCommand({ AccountId: 'missing' })), 'NotFoundException', 'The requested account missing does not exist.', 404);
    await rejectsWith(chime.send(new UpdateAccountCommand({ AccountId: id, DefaultLicense: 'Gold' as never })), 'BadRequestException', /enum value set/, 400);
    await rejectsWith(
      chime.send(new UpdateAccountCommand({ AccountId: id, DefaultLicense: 'Plus' })),
      'BadRequestException',
      `License Plus is not supported by account ${id} (supported: Basic, Pro).`,
    );
  });

  test('account settings: Get defaults, Update (204) and read back; NotFound', async () => {
    const id = await teamAccount();
    assert.deepEqual((await chime.send(new GetAccountSettingsCommand({ AccountId: id }))).AccountSettings, { DisableRemoteControl: false, EnableDialOut: false });
    const put = await chime.send(new UpdateAccountSettingsCommand({ AccountId: id, AccountSettings: { EnableDialOut: true } }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    assert.deepEqual((await chime.send(new GetAccountSettingsCommand({ AccountId: id }))).AccountSettings, { DisableRemoteControl: false, EnableDialOut: true });
    await rejectsWith(chime.send(new UpdateAccountSettingsCommand({ AccountId: 'missing', AccountSettings: {} })), 'NotFoundException');
  });

  test('DeleteAccount: a Team account with users is refused (422) until they are suspended', async () => {
    const id = await teamAccount();
    const [u1, u2] = await invite(id, ['del1@example.com', 'del2@example.com']);
    await rejectsWith(
      chime.send(new DeleteAccountCommand({ AccountId: id })),
      'UnprocessableEntityException',
      `Account ${id} still has 2 user(s) that are not suspended. Suspend them with BatchSuspendUser before deleting the account.`,
      422,
    );
    await chime.send(new BatchSuspendUserCommand({ AccountId: id, UserIdList: [u1.UserId!, u2.UserId!] }));
    assert.equal((await chime.send(new DeleteAccountCommand({ AccountId: id }))).$metadata.httpStatusCode, 204);
    await rejectsWith(chime.send(new GetAccountCommand({ AccountId: id })), 'NotFoundException');
    await rejectsWith(chime.send(new DeleteAccountCommand({ AccountId: id })), 'NotFoundException');
  });

  test('DeleteAccount: an Enterprise account must release its domains first', async () => {
    const { accountId, domain } = await enterpriseAccount(s.url, chime, 'del');
    const member = await createUser(accountId);
    const { Room } = await chime.send(new CreateRoomCommand({ AccountId: accountId, Name: 'doomed' }));
    await chime.send(new CreateRoomMembershipCommand({ AccountId: accountId, RoomId: Room!.RoomId, MemberId: member.UserId }));
    await rejectsWith(chime.send(new DeleteAccountCommand({ AccountId: accountId })), 'UnprocessableEntityException', /still has 1 user\(s\) that are not suspended/, 422);
    // Suspended users stay in an Enterprise account and do not block its deletion.
    await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [member.UserId!] }));
    await rejectsWith(
      chime.send(new DeleteAccountCommand({ AccountId: accountId })),
      'UnprocessableEntityException',
      `Account ${accountId} still claims 1 domain(s). Release them before deleting the account.`,
      422,
    );
    assert.equal((await domainCall(s.url, 'DELETE', `/accounts/${accountId}/domains/${domain}`)).status, 204);
    await chime.send(new DeleteAccountCommand({ AccountId: accountId }));
    // Its users are gone with it: the email can be used again elsewhere.
    await createUser(await teamAccount(), member.PrimaryEmail);
  });
});

describe('users', () => {
  test('CreateUser makes a registered user; Conflict on a taken email; BadRequest without email or name', async () => {
    const id = await teamAccount();
    const user = await createUser(id, 'Ana@Example.com');
    assert.equal(user.UserRegistrationStatus, 'Registered');
    assert.equal(user.UserInvitationStatus, 'Accepted');
    assert.equal(user.LicenseType, 'Pro');
    assert.equal(user.DisplayName, `User ${n}`);
    assert.ok(user.RegisteredOn instanceof Date);
    const other = await teamAccount();
    await rejectsWith(
      chime.send(new CreateUserCommand({ AccountId: other, Email: 'ana@example.com' })),
      'ConflictException',
      'Request could not be completed due to a conflict: a user with this email address already exists.',
      409,
    );
    await rejectsWith(chime.send(new CreateUserCommand({ AccountId: id })), 'BadRequestException', 'A user needs an Email or a Username.');
    await rejectsWith(chime.send(new CreateUserCommand({ AccountId: id, Email: 'not-an-email' })), 'BadRequestException', /regular expression pattern/);
    await rejectsWith(chime.send(new CreateUserCommand({ AccountId: 'missing', Email: 'x@example.com' })), 'NotFoundException');
  });

  test('InviteUsers: pending invitations, 50 at most, Team accounts only, a person in another account fails alone', async () => {
    const id = await teamAccount();
    const emails = Array.from({ length: 50 }, (_, i) => `inv${i}-${id}@example.com`);
    const { Invites } = await chime.send(new InviteUsersCommand({ AccountId: id, UserEmailList: emails, UserType: 'PrivateUser' }));
    assert.equal(Invites!.length, 50);
    assert.ok(Invites!.every((i) => i.Status === 'Pending' && i.EmailStatus === 'NotSent'));
    const users = (await chime.send(new ListUsersCommand({ AccountId: id, MaxResults: 200 }))).Users!;
    assert.equal(users.length, 50);
    assert.ok(users.every((u) => u.UserRegistrationStatus === 'Unregistered' && u.UserInvitationStatus === 'Pending' && u.InvitedOn instanceof Date));
    await rejectsWith(chime.send(new InviteUsersCommand({ AccountId: id, UserEmailList: [...emails, 'one-more@example.com'] })), 'BadRequestException', /length less than or equal to 50/);
    const other = await teamAccount();
    const mixed = await chime.send(new InviteUsersCommand({ AccountId: other, UserEmailList: [emails[0], `fresh-${other}@example.com`] }));
    assert.deepEqual(mixed.Invites!.map((i) => i.Status), ['Failed', 'Pending']);
    const ent = await enterpriseAccount(s.url, chime, 'inv');
    await rejectsWith(chime.send(new InviteUsersCommand({ AccountId: ent.accountId, UserEmailList: ['x@example.com'] })), 'BadRequestException', 'Users can be invited only to Team accounts.');
  });

  test('ListUsers: filters, and next tokens stay correct while users are added', async () => {
    const id = await teamAccount();
    await invite(id, ['l1@example.com', 'l2@example.com', 'l3@example.com']);
    await chime.send(new CreateUserCommand({ AccountId: id, Username: 'kiosk', UserType: 'SharedDevice' }));
    const shared = await chime.send(new ListUsersCommand({ AccountId: id, UserType: 'SharedDevice' }));
    assert.deepEqual(shared.Users!.map((u) => u.DisplayName), ['kiosk']);
    const byEmail = await chime.send(new ListUsersCommand({ AccountId: id, UserEmail: 'L2@example.com' }));
    assert.deepEqual(byEmail.Users!.map((u) => u.PrimaryEmail), ['l2@example.com']);
    const first = await chime.send(new ListUsersCommand({ AccountId: id, MaxResults: 2 }));
    assert.equal(first.Users!.length, 2);
    await invite(id, ['l4@example.com', 'l5@example.com']);
    const seen = [...first.Users!];
    let token = first.NextToken;
    while (token) {
      const next = await chime.send(new ListUsersCommand({ AccountId: id, MaxResults: 2, NextToken: token }));
      seen.push(...next.Users!);
      token = next.NextToken;
    }
    assert.deepEqual(seen.map((u) => u.PrimaryEmail ?? u.DisplayName), ['l1@example.com', 'l2@example.com', 'l3@example.com', 'kiosk', 'l4@example.com', 'l5@example.com']);
    await rejectsWith(chime.send(new ListUsersCommand({ AccountId: id, NextToken: first.NextToken, UserType: 'PrivateUser' })), 'BadRequestException', 'The next token is not valid for this request.');
    await rejectsWith(chime.send(new ListUsersCommand({ AccountId: id, MaxResults: 201 })), 'BadRequestException', /less than or equal to 200/);
    await rejectsWith(chime.send(new ListUsersCommand({ AccountId: 'missing' })), 'NotFoundException');
  });

  test('GetUser returns the user without any PIN; NotFound for an unknown user', async () => {
    const id = await teamAccount();
    const user = await createUser(id);
    const got = await chime.send(new GetUserCommand({ AccountId: id, UserId: user.UserId }));
    assert.equal(got.User!.UserId, user.UserId);
    assert.equal(got.User!.PersonalPIN, undefined);
    await rejectsWith(chime.send(new GetUserCommand({ AccountId: id, UserId: 'nobody' })), 'NotFoundException', `The requested user nobody does not exist in account ${id}.`);
  });

  test('UpdateUser changes licenses the account supports; BatchUpdateUser reports per-user errors', async () => {
    const id = await teamAccount();
    const a = await createUser(id);
    const b = await createUser(id);
    const updated = await chime.send(new UpdateUserCommand({ AccountId: id, UserId: a.UserId, LicenseType: 'Basic' }));
    assert.equal(updated.User!.LicenseType, 'Basic');
    await rejectsWith(
      chime.send(new UpdateUserCommand({ AccountId: id, UserId: a.UserId, LicenseType: 'Plus' })),
      'BadRequestException',
      `License Plus is not supported by account ${id} (supported: Basic, Pro).`,
    );
    await rejectsWith(chime.send(new UpdateUserCommand({ AccountId: id, UserId: 'nobody', LicenseType: 'Pro' })), 'NotFoundException');
    const batch = await chime.send(
      new BatchUpdateUserCommand({
        AccountId: id,
        UpdateUserRequestItems: [
          { UserId: b.UserId, LicenseType: 'Basic' },
          { UserId: 'nobody', LicenseType: 'Basic' },
          { UserId: a.UserId, LicenseType: 'ProTrial' },
        ],
      }),
    );
    assert.equal(batch.$metadata.httpStatusCode, 200);
    assert.deepEqual(batch.UserErrors!.map((e) => [e.UserId, e.ErrorCode]), [['nobody', 'NotFound'], [a.UserId, 'BadRequest']]);
    assert.equal((await chime.send(new GetUserCommand({ AccountId: id, UserId: b.UserId }))).User!.LicenseType, 'Basic');
    const tooMany = Array.from({ length: 21 }, () => ({ UserId: a.UserId!, LicenseType: 'Pro' as const }));
    await rejectsWith(chime.send(new BatchUpdateUserCommand({ AccountId: id, UpdateUserRequestItems: tooMany })), 'BadRequestException', /less than or equal to 20/);
    await rejectsWith(chime.send(new BatchUpdateUserCommand({ AccountId: 'missing', UpdateUserRequestItems: [] })), 'NotFoundException');
  });

  test('ResetPersonalPIN returns a new PIN once; it is never stored in clear nor recorded', async () => {
    const id = await teamAccount();
    const user = await createUser(id);
    const one = await chime.send(new ResetPersonalPINCommand({ AccountId: id, UserId: user.UserId }));
    const two = await chime.send(new ResetPersonalPINCommand({ AccountId: id, UserId: user.UserId }));
    assert.match(one.User!.PersonalPIN!, /^\d{10}$/);
    assert.notEqual(one.User!.PersonalPIN, two.User!.PersonalPIN);
    assert.equal((await chime.send(new GetUserCommand({ AccountId: id, UserId: user.UserId }))).User!.PersonalPIN, undefined);
    const record = await recordOfRequest(s.cloudtrail(), one.$metadata.requestId!, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ResetPersonalPIN' }] });
    assert.equal(record.readOnly, false);
    assert.equal(record.responseElements.user.personalPIN, 'HIDDEN_DUE_TO_SECURITY_REASONS');
    assert.equal(record.responseElements.user.primaryEmail, 'HIDDEN_DUE_TO_SECURITY_REASONS');
    assert.ok(!JSON.stringify(record).includes(one.User!.PersonalPIN!));
    // Neither PIN is anywhere in the data dir (database, WAL, key file).
    for (const pin of [one.User!.PersonalPIN!, two.User!.PersonalPIN!]) assert.deepEqual(filesHolding(s.dataDir, pin), [], pin);
    await rejectsWith(chime.send(new ResetPersonalPINCommand({ AccountId: id, UserId: 'nobody' })), 'NotFoundException');
  });

  test('LogoutUser ends a registered user\'s sessions (204); invited users have none', async () => {
    const id = await teamAccount();
    const user = await createUser(id);
    assert.equal((await chime.send(new LogoutUserCommand({ AccountId: id, UserId: user.UserId }))).$metadata.httpStatusCode, 204);
    const [invited] = await invite(id, [`invited-${id}@example.com`]).then((us) => us.filter((u) => u.UserRegistrationStatus === 'Unregistered'));
    await rejectsWith(
      chime.send(new LogoutUserCommand({ AccountId: id, UserId: invited.UserId })),
      'BadRequestException',
      `User ${invited.UserId} has not registered yet, so has no session to end.`,
    );
    await rejectsWith(chime.send(new LogoutUserCommand({ AccountId: id, UserId: 'nobody' })), 'NotFoundException');
  });

  test('user settings: telephony defaults, PUT (204) and read back; all three flags required', async () => {
    const id = await teamAccount();
    const user = await createUser(id);
    const defaults = await chime.send(new GetUserSettingsCommand({ AccountId: id, UserId: user.UserId }));
    assert.deepEqual(defaults.UserSettings, { Telephony: { InboundCalling: true, OutboundCalling: true, SMS: true } });
    const put = await chime.send(new UpdateUserSettingsCommand({ AccountId: id, UserId: user.UserId, UserSettings: { Telephony: { InboundCalling: true, OutboundCalling: false, SMS: false } } }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    assert.deepEqual((await chime.send(new GetUserSettingsCommand({ AccountId: id, UserId: user.UserId }))).UserSettings!.Telephony, { InboundCalling: true, OutboundCalling: false, SMS: false });
    await rejectsWith(
      chime.send(new UpdateUserSettingsCommand({ AccountId: id, UserId: user.UserId, UserSettings: { Telephony: { InboundCalling: true } as never } })),
      'BadRequestException',
      /userSettings.telephony.outboundCalling/,
    );
    await rejectsWith(chime.send(new GetUserSettingsCommand({ AccountId: id, UserId: 'nobody' })), 'NotFoundException');
  });
});

describe('suspension', () => {
  test('Team accounts: BatchSuspendUser removes users; unknown ids are per-user errors; 50 at most', async () => {
    const id = await teamAccount();
    const [a, b] = await invite(id, [`s1-${id}@example.com`, `s2-${id}@example.com`]);
    const res = await chime.send(new BatchSuspendUserCommand({ AccountId: id, UserIdList: [a.UserId!, 'nobody'] }));
    assert.deepEqual(res.UserErrors, [{ UserId: 'nobody', ErrorCode: 'NotFound', ErrorMessage: `The requested user nobody does not exist in account ${id}.` }]);
    await rejectsWith(chime.send(new GetUserCommand({ AccountId: id, UserId: a.UserId })), 'NotFoundException');
    assert.deepEqual((await chime.send(new ListUsersCommand({ AccountId: id }))).Users!.map((u) => u.UserId), [b.UserId]);
    // A removed user can be invited again.
    const again = await chime.send(new InviteUsersCommand({ AccountId: id, UserEmailList: [a.PrimaryEmail!] }));
    assert.equal(again.Invites![0].Status, 'Pending');
    await rejectsWith(
      chime.send(new BatchUnsuspendUserCommand({ AccountId: id, UserIdList: [b.UserId!] })),
      'BadRequestException',
      `Users can be unsuspended only in EnterpriseLWA accounts; account ${id} is a Team account.`,
    );
    const many = Array.from({ length: 51 }, (_, i) => `u${i}`);
    await rejectsWith(chime.send(new BatchSuspendUserCommand({ AccountId: id, UserIdList: many })), 'BadRequestException', /less than or equal to 50/);
    await rejectsWith(chime.send(new BatchSuspendUserCommand({ AccountId: 'missing', UserIdList: [] })), 'NotFoundException');
  });

  test('EnterpriseLWA accounts: suspended users can do nothing until unsuspended', async () => {
    const { accountId } = await enterpriseAccount(s.url, chime, 'lwa');
    assert.equal((await chime.send(new GetAccountCommand({ AccountId: accountId }))).Account!.AccountType, 'EnterpriseLWA');
    const user = await createUser(accountId);
    const other = await createUser(accountId);
    const res = await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [user.UserId!] }));
    assert.deepEqual(res.UserErrors, []);
    assert.equal((await chime.send(new GetUserCommand({ AccountId: accountId, UserId: user.UserId }))).User!.UserRegistrationStatus, 'Suspended');
    const suspended = `User ${user.UserId} is suspended. Unsuspend the user with BatchUnsuspendUser first.`;
    await rejectsWith(chime.send(new UpdateUserCommand({ AccountId: accountId, UserId: user.UserId, LicenseType: 'Basic' })), 'BadRequestException', suspended);
    await rejectsWith(chime.send(new ResetPersonalPINCommand({ AccountId: accountId, UserId: user.UserId })), 'BadRequestException', suspended);
    await rejectsWith(chime.send(new LogoutUserCommand({ AccountId: accountId, UserId: user.UserId })), 'BadRequestException', suspended);
    await rejectsWith(
      chime.send(new UpdateUserSettingsCommand({ AccountId: accountId, UserId: user.UserId, UserSettings: { Telephony: { InboundCalling: false, OutboundCalling: false, SMS: false } } })),
      'BadRequestException',
      suspended,
    );
    const batch = await chime.send(new BatchUpdateUserCommand({ AccountId: accountId, UpdateUserRequestItems: [{ UserId: user.UserId, LicenseType: 'Basic' }] }));
    assert.deepEqual(batch.UserErrors, [{ UserId: user.UserId, ErrorCode: 'BadRequest', ErrorMessage: suspended }]);
    const un = await chime.send(new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: [user.UserId!, other.UserId!, 'nobody'] }));
    assert.deepEqual(un.UserErrors!.map((e) => [e.UserId, e.ErrorCode]), [['nobody', 'NotFound']]);
    assert.equal((await chime.send(new GetUserCommand({ AccountId: accountId, UserId: user.UserId }))).User!.UserRegistrationStatus, 'Registered');
    assert.equal((await chime.send(new GetUserCommand({ AccountId: accountId, UserId: other.UserId }))).User!.UserRegistrationStatus, 'Registered');
    await rejectsWith(chime.send(new BatchUnsuspendUserCommand({ AccountId: 'missing', UserIdList: [] })), 'NotFoundException');
  });
});

describe('Enterprise account settings', () => {
  test('sign-in delegate groups: Enterprise accounts only; associate (no duplicates) and disassociate', async () => {
    const team = await teamAccount();
    await rejectsWith(
      chime.send(new AssociateSigninDelegateGroupsWithAccountCommand({ AccountId: team, SigninDelegateGroups: [{ GroupName: 'admins' }] })),
      'BadRequestException',
      /^Sign-in delegate groups are available only in Enterprise accounts/,
    );
    const { accountId } = await enterpriseAccount(s.url, chime, 'sdg');
    await chime.send(new AssociateSigninDelegateGroupsWithAccountCommand({ AccountId: accountId, SigninDelegateGroups: [{ GroupName: 'admins' }, { GroupName: 'staff' }] }));
    await chime.send(new AssociateSigninDelegateGroupsWithAccountCommand({ AccountId: accountId, SigninDelegateGroups: [{ GroupName: 'admins' }] }));
    assert.deepEqual((await chime.send(new GetAccountCommand({ AccountId: accountId }))).Account!.SigninDelegateGroups, [{ GroupName: 'admins' }, { GroupName: 'staff' }]);
    await chime.send(new DisassociateSigninDelegateGroupsFromAccountCommand({ AccountId: accountId, GroupNames: ['admins'] }));
    assert.deepEqual((await chime.send(new GetAccountCommand({ AccountId: accountId }))).Account!.SigninDelegateGroups, [{ GroupName: 'staff' }]);
    await rejectsWith(chime.send(new DisassociateSigninDelegateGroupsFromAccountCommand({ AccountId: accountId, GroupNames: [] })), 'BadRequestException', /greater than or equal to 1/);
    await rejectsWith(chime.send(new DisassociateSigninDelegateGroupsFromAccountCommand({ AccountId: 'missing', GroupNames: ['x'] })), 'NotFoundException');
    await rejectsWith(chime.send(new AssociateSigninDelegateGroupsWithAccountCommand({ AccountId: 'missing', SigninDelegateGroups: [] })), 'NotFoundException');
  });

  test('retention settings: Enterprise accounts only; Put (204) then Get; 1 to 5475 days', async () => {
    const team = await teamAccount();
    await rejectsWith(chime.send(new GetRetentionSettingsCommand({ AccountId: team })), 'BadRequestException', /^Retention settings are available only in Enterprise accounts/);
    const { accountId } = await enterpriseAccount(s.url, chime, 'ret');
    assert.deepEqual((await chime.send(new GetRetentionSettingsCommand({ AccountId: accountId }))).RetentionSettings, {});
    const settings = { RoomRetentionSettings: { RetentionDays: 30 }, ConversationRetentionSettings: { RetentionDays: 5475 } };
    const put = await chime.send(new PutRetentionSettingsCommand({ AccountId: accountId, RetentionSettings: settings }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    const got = await chime.send(new GetRetentionSettingsCommand({ AccountId: accountId }));
    assert.deepEqual(got.RetentionSettings, settings);
    assert.ok(got.InitiateDeletionTimestamp instanceof Date);
    const record = await recordOfRequest(s.cloudtrail(), put.$metadata.requestId!, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PutRetentionSettings' }] });
    assert.deepEqual(record.requestParameters, { accountId, retentionSettings: { roomRetentionSettings: { retentionDays: 30 }, conversationRetentionSettings: { retentionDays: 5475 } } });
    // Removing the days turns retention off.
    await chime.send(new PutRetentionSettingsCommand({ AccountId: accountId, RetentionSettings: {} }));
    assert.equal((await chime.send(new GetRetentionSettingsCommand({ AccountId: accountId }))).InitiateDeletionTimestamp, undefined);
    await rejectsWith(
      chime.send(new PutRetentionSettingsCommand({ AccountId: accountId, RetentionSettings: { RoomRetentionSettings: { RetentionDays: 5476 } } })),
      'BadRequestException',
      /less than or equal to 5475/,
    );
    await rejectsWith(chime.send(new PutRetentionSettingsCommand({ AccountId: 'missing', RetentionSettings: {} })), 'NotFoundException');
  });
});
