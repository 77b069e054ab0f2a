// Chime users: InviteUsers, ListUsers, GetUser, ResetPersonalPIN.
import type {
  GetUserRequest,
  GetUserResponse,
  Invite as InviteType,
  InviteUsersRequest,
  InviteUsersResponse,
  ListUsersRequest,
  ListUsersResponse,
  ResetPersonalPINRequest,
  ResetPersonalPINResponse,
} from '@aws-sdk/client-chime';
import { list, query, required, structure, string } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import { BadRequestException } from './errors.ts';
import { COLLECTIONS, getAccount, getUser, newId, newPin, page, putUser, usersByEmail, userView } from './model.ts';
import type { UserDoc } from './model.ts';
import { AccountIdLabel, Email, Invite, maxResults, NextToken, User, UserIdLabel, UserType } from './shapes.ts';

const userResources = (accountId: string | undefined, userIds: (string | undefined)[]) => [
  ...(accountId ? [{ type: 'AWS::Chime::Account', name: accountId }] : []),
  ...userIds.filter((id): id is string => !!id).map((id) => ({ type: 'AWS::Chime::User', name: id })),
];

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
      user.InvitedOn = ctx.now.toISOString();
      await putUser(ctx.tx, user);
      // Invitations are recorded, not emailed: opentrail sends no mail.
      invites.push({ InviteId: newId(), Status: user.UserInvitationStatus, EmailAddress: email, EmailStatus: 'NotSent' });
    }
    return { Invites: invites };
  },
  lookupResources: (input) => userResources(input.AccountId, []),
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
  async handler(ctx, input) {
    return { User: userView(await getUser(ctx, input.AccountId!, input.UserId!)) };
  },
  lookupResources: (input) => userResources(input.AccountId, [input.UserId]),
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
    const { pin, hash } = newPin(ctx);
    user.PinHash = hash;
    await putUser(ctx.tx, user);
    return { User: { ...userView(user), PersonalPIN: pin } };
  },
  lookupResources: (input) => userResources(input.AccountId, [input.UserId]),
});
