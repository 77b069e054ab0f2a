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
import { accountKey, accountsNamed, accountView, COLLECTIONS, getAccount, newId, page, putAccount, usersByEmail } from './model.ts';
import type { AccountDoc } from './model.ts';
import { Account, AccountIdLabel, AccountName, License, maxResults, NextToken } from './shapes.ts';

const accountResource = (accountId: string | undefined) => (accountId ? [{ type: 'AWS::Chime::Account', name: accountId }] : []);

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
  lookupResources: (_input, output) => accountResource(output?.Account?.AccountId),
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
  lookupResources: (input) => accountResource(input.AccountId),
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
    if (input.DefaultLicense !== undefined) doc.DefaultLicense = input.DefaultLicense;
    await putAccount(ctx.tx, doc);
    return { Account: accountView(doc) };
  },
  lookupResources: (input) => accountResource(input.AccountId),
});

export const DeleteAccount = defineOperation<DeleteAccountRequest, DeleteAccountResponse>({
  name: 'DeleteAccount',
  readOnly: false,
  http: { method: 'DELETE', uri: '/accounts/{AccountId}', status: 204 },
  input: structure({ AccountId: AccountIdLabel }),
  async handler(ctx, input) {
    const doc = await getAccount(ctx, input.AccountId!);
    // A Team account's users must be suspended (which removes them) before it can go.
    const users = await ctx.tx.docs.count(COLLECTIONS.USERS, doc.AccountId);
    if (users > 0) {
      throw new UnprocessableEntityException(
        `Account ${doc.AccountId} still has ${users} user(s). Suspend them with BatchSuspendUser before deleting the account.`,
      );
    }
    await ctx.tx.docs.delete(accountKey(ctx.accountId, doc.AccountId));
    return {};
  },
  lookupResources: (input) => accountResource(input.AccountId),
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
