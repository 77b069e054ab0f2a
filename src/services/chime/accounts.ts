// Chime accounts: CreateAccount, GetAccount, UpdateAccount, DeleteAccount, ListAccounts.
import type {
  CreateAccountRequest,
  CreateAccountResponse,
  DeleteAccountRequest,
  DeleteAccountResponse,
  GetAccountRequest,
  GetAccountResponse,
  ListAccountsRequest,
  ListAccountsResponse,
  UpdateAccountRequest,
  UpdateAccountResponse,
} from '@aws-sdk/client-chime';
import { list, query, required, structure, string, EMAIL } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { ConflictException, UnprocessableEntityException } from './errors.ts';
import { accountKey, accountResource, accountsNamed, accountView, COLLECTIONS, deleteAll, getAccount, listAll, newId, page, putAccount, requireSupportedLicense, userKey, usersByEmail } from './model.ts';
import type { AccountDoc, UserDoc } from './model.ts';
import { releaseNumber } from './phone-inventory.ts';
import { deleteRoomData } from './rooms.ts';
import type { RoomDoc } from './rooms.ts';
import { Account, AccountIdLabel, AccountName, License, maxResults, NextToken } from './shapes.ts';

/** Account names are unique (case-insensitively) within an AWS account. */
async function assertNameFree(ctx: OperationContext, name: string, except?: string): Promise<void> {
  if ((await accountsNamed(ctx, name)).some((a) => a.AccountId !== except)) {
    throw new ConflictException(`Request could not be completed due to a conflict: an account named '${name}' already exists.`);
  }
}

export const CreateAccount = defineOperation<CreateAccountRequest, CreateAccountResponse>({
  name: 'CreateAccount',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts', status: 201 },
  input: structure({ Name: required(AccountName) }),
  output: structure({ Account }),
  async handler(ctx, input) {
    await assertNameFree(ctx, input.Name!);
    // Only Team accounts can be created through the API.
    const doc: AccountDoc = {
      AwsAccountId: ctx.accountId,
      AccountId: newId(),
      Name: input.Name!,
      AccountType: 'Team',
      CreatedTimestamp: ctx.now.toISOString(),
      DefaultLicense: 'Pro',
      SupportedLicenses: ['Basic', 'Pro'],
      AccountStatus: 'Active',
      SigninDelegateGroups: [],
      Settings: { DisableRemoteControl: false, EnableDialOut: false },
    };
    await putAccount(ctx.tx, doc);
    return { Account: accountView(doc) };
  },
  lookupResources: (_input, output) => accountResource({ AccountId: output?.Account?.AccountId }),
});

export const GetAccount = defineOperation<GetAccountRequest, GetAccountResponse>({
  name: 'GetAccount',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}', status: 200 },
  input: structure({ AccountId: AccountIdLabel }),
  output: structure({ Account }),
  async handler(ctx, input) {
    return { Account: accountView(await getAccount(ctx, input.AccountId!)) };
  },
  lookupResources: accountResource,
});

export const UpdateAccount = defineOperation<UpdateAccountRequest, UpdateAccountResponse>({
  name: 'UpdateAccount',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}', status: 200 },
  input: structure({ AccountId: AccountIdLabel, Name: AccountName, DefaultLicense: License }),
  output: structure({ Account }),
  async handler(ctx, input) {
    const doc = await getAccount(ctx, input.AccountId!);
    if (input.Name !== undefined) {
      await assertNameFree(ctx, input.Name, doc.AccountId);
      doc.Name = input.Name;
    }
    if (input.DefaultLicense !== undefined) {
      // New users get the default license, so it must be one the account supports.
      requireSupportedLicense(doc, input.DefaultLicense);
      doc.DefaultLicense = input.DefaultLicense;
    }
    await putAccount(ctx.tx, doc);
    return { Account: accountView(doc) };
  },
  lookupResources: accountResource,
});

export const DeleteAccount = defineOperation<DeleteAccountRequest, DeleteAccountResponse>({
  name: 'DeleteAccount',
  readOnly: false,
  http: { method: 'DELETE', uri: '/accounts/{AccountId}', status: 204 },
  input: structure({ AccountId: AccountIdLabel }),
  async handler(ctx, input) {
    const doc = await getAccount(ctx, input.AccountId!);
    // Team accounts: suspending removes users, so none may remain. Enterprise accounts keep
    // suspended users, and must release their claimed domains first.
    const users = await listAll<UserDoc>(ctx.tx, COLLECTIONS.USERS, doc.AccountId);
    const active = users.filter((u) => u.UserRegistrationStatus !== 'Suspended').length;
    if (active > 0) {
      throw new UnprocessableEntityException(
        `Account ${doc.AccountId} still has ${active} user(s) that are not suspended. Suspend them with BatchSuspendUser before deleting the account.`,
      );
    }
    const domains = await ctx.tx.docs.count(COLLECTIONS.DOMAINS, doc.AccountId);
    if (domains > 0) {
      throw new UnprocessableEntityException(`Account ${doc.AccountId} still claims ${domains} domain(s). Release them before deleting the account.`);
    }
    for (const u of users) {
      await releaseNumber(ctx, u.PrimaryProvisionedNumber);
      await ctx.tx.docs.delete(userKey(doc.AccountId, u.UserId));
    }
    for (const room of await listAll<RoomDoc>(ctx.tx, COLLECTIONS.ROOMS, doc.AccountId)) await deleteRoomData(ctx, room);
    // Bots only join their own account's rooms, which are gone by now.
    await deleteAll<{ BotId: string }>(ctx.tx, COLLECTIONS.BOTS, doc.AccountId, (b) => b.BotId);
    await deleteAll<{ TokenHash: string }>(ctx.tx, COLLECTIONS.ROOM_TOKENS, doc.AccountId, (t) => t.TokenHash);
    await deleteAll<{ Scope: string; MessageId: string }>(ctx.tx, COLLECTIONS.REDACTIONS, doc.AccountId, (r) => `${r.Scope}/${r.MessageId}`);
    await ctx.tx.docs.delete(accountKey(ctx.accountId, doc.AccountId));
    return {};
  },
  lookupResources: accountResource,
});

export const ListAccounts = defineOperation<ListAccountsRequest, ListAccountsResponse>({
  name: 'ListAccounts',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts', status: 200 },
  input: structure({
    Name: query('name', AccountName),
    UserEmail: query('user-email', string({ pattern: EMAIL, sensitive: true })),
    NextToken,
    MaxResults: maxResults(200),
  }),
  output: structure({ Accounts: list(Account), NextToken: string() }),
  async handler(ctx, input) {
    const { NextToken: token, MaxResults, ...filters } = input;
    let inAccounts: Set<string> | undefined;
    if (input.UserEmail !== undefined) inAccounts = new Set((await usersByEmail(ctx.tx, input.UserEmail)).map((u) => u.AccountId));
    const prefix = input.Name?.toLowerCase();
    const { items, nextToken } = await page<AccountDoc>(ctx, COLLECTIONS.ACCOUNTS, ctx.accountId, {
      nextToken: token,
      maxResults: MaxResults,
      defaultMax: 100,
      query: filters,
      keep: (a) => (prefix === undefined || a.Name.toLowerCase().startsWith(prefix)) && (!inAccounts || inAccounts.has(a.AccountId)),
    });
    return { Accounts: items.map(accountView), ...(nextToken ? { NextToken: nextToken } : {}) };
  },
});
