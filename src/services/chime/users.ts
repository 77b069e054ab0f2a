// Chime users: InviteUsers, CreateUser, ListUsers, GetUser, UpdateUser, BatchUpdateUser,
// ResetPersonalPIN, LogoutUser.
//
// User states: invited users are Unregistered (invitation Pending) until they sign in, which
// opentrail cannot see, so they stay invited; CreateUser makes Registered users. Invited users
// have never signed in: they cannot be logged out or given a phone number. Suspended users
// (EnterpriseLWA) can do nothing until unsuspended; in Team accounts suspension removes the user.
import type {
  CreateUserRequest,
  CreateUserResponse,
  GetUserRequest,
  GetUserResponse,
  Invite as InviteType,
  InviteUsersRequest,
  InviteUsersResponse,
  ListUsersRequest,
  ListUsersResponse,
  LogoutUserRequest,
  LogoutUserResponse,
  ResetPersonalPINRequest,
  ResetPersonalPINResponse,
  UpdateUserRequest,
  UpdateUserResponse,
  BatchUpdateUserRequest,
  BatchUpdateUserResponse,
  UpdateUserRequestItem,
} from '@aws-sdk/client-chime';
import { list, query, required, structure, string } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { BadRequestException, ConflictException } from './errors.ts';
import { chimeResources, COLLECTIONS, eachItem, getAccount, getUser, iso, newId, newPin, page, putUser, requireNotSuspended, requireSupportedLicense, usersByEmail, userView } from './model.ts';
import type { AccountDoc, UserDoc } from './model.ts';
import {
  AccountIdLabel,
  AlexaForBusinessMetadata,
  Email,
  Invite,
  itemErrors,
  License,
  maxResults,
  NextToken,
  NonEmpty,
  User,
  UserIdLabel,
  UserType,
} from './shapes.ts';

export const userResources = (accountId: string | undefined, userIds: (string | undefined)[]) =>
  chimeResources(['Account', accountId], ...userIds.map((id): [string, string | undefined] => ['User', id]));
const oneUser = (input: { AccountId?: string; UserId?: string }) => userResources(input.AccountId, [input.UserId]);

export const InviteUsers = defineOperation<InviteUsersRequest, InviteUsersResponse>({
  name: 'InviteUsers',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/users?operation=add', status: 201 },
  input: structure({ AccountId: AccountIdLabel, UserEmailList: required(list(Email, { max: 50 })), UserType }),
  output: structure({ Invites: list(Invite) }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    if (account.AccountType !== 'Team') throw new BadRequestException('Users can be invited only to Team accounts.');
    const invites: InviteType[] = [];
    for (const email of input.UserEmailList!) {
      const existing = await usersByEmail(ctx.tx, email);
      const here = existing.find((u) => u.AccountId === account.AccountId);
      if (existing.length > 0 && !here) {
        // A person belongs to one Chime account at a time.
        invites.push({ InviteId: newId(), Status: 'Failed', EmailAddress: email, EmailStatus: 'NotSent' });
        continue;
      }
      const user: UserDoc = here ?? {
        UserId: newId(),
        AccountId: account.AccountId,
        PrimaryEmail: email,
        LicenseType: account.DefaultLicense,
        UserType: input.UserType ?? 'PrivateUser',
        UserRegistrationStatus: 'Unregistered',
        UserInvitationStatus: 'Pending',
      };
      user.InvitedOn = iso(ctx.now);
      await putUser(ctx.tx, user);
      // Invitations are recorded, not emailed: opentrail sends no mail.
      invites.push({ InviteId: newId(), Status: user.UserInvitationStatus, EmailAddress: email, EmailStatus: 'NotSent' });
    }
    return { Invites: invites };
  },
  lookupResources: (input) => userResources(input.AccountId, []),
});

export const CreateUser = defineOperation<CreateUserRequest, CreateUserResponse>({
  name: 'CreateUser',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/users?operation=create', status: 201 },
  input: structure({ AccountId: AccountIdLabel, Username: string(), Email, UserType }),
  output: structure({ User }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    if (input.Email === undefined && input.Username === undefined) throw new BadRequestException('A user needs an Email or a Username.');
    if (input.Email !== undefined && (await usersByEmail(ctx.tx, input.Email)).length > 0) {
      throw new ConflictException('Request could not be completed due to a conflict: a user with this email address already exists.');
    }
    const user: UserDoc = {
      UserId: newId(),
      AccountId: account.AccountId,
      ...(input.Email !== undefined ? { PrimaryEmail: input.Email } : {}),
      ...(input.Username !== undefined ? { DisplayName: input.Username } : {}),
      LicenseType: account.DefaultLicense,
      UserType: input.UserType ?? 'PrivateUser',
      // Created (not invited) users are provisioned by the administrator: registered at once.
      UserRegistrationStatus: 'Registered',
      UserInvitationStatus: 'Accepted',
      RegisteredOn: iso(ctx.now),
    };
    await putUser(ctx.tx, user);
    return { User: userView(user) };
  },
  lookupResources: (_input, output) => userResources(output?.User?.AccountId, [output?.User?.UserId]),
});

export const ListUsers = defineOperation<ListUsersRequest, ListUsersResponse>({
  name: 'ListUsers',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/users', status: 200 },
  input: structure({
    AccountId: AccountIdLabel,
    UserEmail: query('user-email', Email),
    UserType: query('user-type', UserType),
    MaxResults: maxResults(200),
    NextToken,
  }),
  output: structure({ Users: list(User), NextToken: string() }),
  async handler(ctx, input) {
    await getAccount(ctx, input.AccountId!);
    const { NextToken: token, MaxResults, ...filters } = input;
    const email = input.UserEmail?.toLowerCase();
    const { items, nextToken } = await page<UserDoc>(ctx, COLLECTIONS.USERS, input.AccountId!, {
      nextToken: token,
      maxResults: MaxResults,
      defaultMax: 100,
      query: filters,
      keep: (u) => (email === undefined || u.PrimaryEmail?.toLowerCase() === email) && (input.UserType === undefined || u.UserType === input.UserType),
    });
    return { Users: items.map(userView), ...(nextToken ? { NextToken: nextToken } : {}) };
  },
  lookupResources: (input) => userResources(input.AccountId, []),
});

export const GetUser = defineOperation<GetUserRequest, GetUserResponse>({
  name: 'GetUser',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/users/{UserId}', status: 200 },
  input: structure({ AccountId: AccountIdLabel, UserId: UserIdLabel }),
  output: structure({ User }),
  // The PIN is kept only as a keyed hash, so GetUser cannot return it: ResetPersonalPIN shows a new one once.
  async handler(ctx, input) {
    return { User: userView(await getUser(ctx, input.AccountId!, input.UserId!)) };
  },
  lookupResources: oneUser,
});

type UserChange = Pick<UpdateUserRequestItem, 'LicenseType' | 'UserType' | 'AlexaForBusinessMetadata'>;

/** UpdateUser and each item of BatchUpdateUser. */
async function updateUser(ctx: OperationContext, account: AccountDoc, userId: string, change: UserChange): Promise<UserDoc> {
  const user = await getUser(ctx, account.AccountId, userId);
  requireNotSuspended(user);
  if (change.LicenseType !== undefined) {
    requireSupportedLicense(account, change.LicenseType);
    user.LicenseType = change.LicenseType;
  }
  if (change.UserType !== undefined) user.UserType = change.UserType;
  if (change.AlexaForBusinessMetadata !== undefined) user.AlexaForBusinessMetadata = { ...user.AlexaForBusinessMetadata, ...change.AlexaForBusinessMetadata };
  await putUser(ctx.tx, user);
  return user;
}

export const UpdateUser = defineOperation<UpdateUserRequest, UpdateUserResponse>({
  name: 'UpdateUser',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/users/{UserId}', status: 200 },
  input: structure({ AccountId: AccountIdLabel, UserId: UserIdLabel, LicenseType: License, UserType, AlexaForBusinessMetadata }),
  output: structure({ User }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    return { User: userView(await updateUser(ctx, account, input.UserId!, input)) };
  },
  lookupResources: oneUser,
});

export const BatchUpdateUser = defineOperation<BatchUpdateUserRequest, BatchUpdateUserResponse>({
  name: 'BatchUpdateUser',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/users', status: 200 },
  input: structure({
    AccountId: AccountIdLabel,
    UpdateUserRequestItems: required(
      list(structure({ UserId: required(NonEmpty), LicenseType: License, UserType, AlexaForBusinessMetadata }), { max: 20 }),
    ),
  }),
  output: structure({ UserErrors: itemErrors('UserId') }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    const errors = await eachItem(input.UpdateUserRequestItems!, 'UserId', (i) => i.UserId, async (item) => {
      await updateUser(ctx, account, item.UserId!, item);
    });
    return { UserErrors: errors };
  },
  lookupResources: (input) => userResources(input.AccountId, input.UpdateUserRequestItems?.map((i) => i.UserId) ?? []),
});

export const ResetPersonalPIN = defineOperation<ResetPersonalPINRequest, ResetPersonalPINResponse>({
  name: 'ResetPersonalPIN',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/users/{UserId}?operation=reset-personal-pin', status: 200 },
  input: structure({ AccountId: AccountIdLabel, UserId: UserIdLabel }),
  output: structure({ User }),
  // The new PIN goes to the caller once; records show it redacted.
  sensitive: ['PersonalPIN'],
  async handler(ctx, input) {
    const user = await getUser(ctx, input.AccountId!, input.UserId!);
    requireNotSuspended(user);
    const { pin, hash } = newPin(ctx);
    user.PinHash = hash;
    await putUser(ctx.tx, user);
    return { User: { ...userView(user), PersonalPIN: pin } };
  },
  lookupResources: oneUser,
});

export const LogoutUser = defineOperation<LogoutUserRequest, LogoutUserResponse>({
  name: 'LogoutUser',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/users/{UserId}?operation=logout', status: 204 },
  input: structure({ AccountId: AccountIdLabel, UserId: UserIdLabel }),
  async handler(ctx, input) {
    const user = await getUser(ctx, input.AccountId!, input.UserId!);
    requireNotSuspended(user);
    if (user.UserRegistrationStatus === 'Unregistered') {
      throw new BadRequestException(`User ${user.UserId} has not registered yet, so has no session to end.`);
    }
    user.LoggedOutAt = iso(ctx.now);
    await putUser(ctx.tx, user);
    return {};
  },
  lookupResources: oneUser,
});
