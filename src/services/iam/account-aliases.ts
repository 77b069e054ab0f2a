// The account alias: CreateAccountAlias, DeleteAccountAlias, ListAccountAliases. An alias is
// unique across every account, and an account has at most one.
import type { CreateAccountAliasRequest, DeleteAccountAliasRequest, ListAccountAliasesRequest, ListAccountAliasesResponse } from '@aws-sdk/client-iam';
import { list, required, string, structure } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { EntityAlreadyExists, NoSuchEntity } from './errors.ts';
import { Marker, MaxItems, truncation } from './shapes.ts';

const AccountAlias = string({ min: 3, max: 63, pattern: /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/ });

async function account(ctx: OperationContext) {
  const doc = await ctx.app.credentials.getAccount(ctx.tx, ctx.accountId);
  return doc ?? { accountId: ctx.accountId, createDate: ctx.now.toISOString() };
}

export const CreateAccountAlias = defineOperation<CreateAccountAliasRequest, object>({
  name: 'CreateAccountAlias',
  readOnly: false,
  input: structure({ AccountAlias: required(AccountAlias) }),
  async handler(ctx, input) {
    const owner = await ctx.app.credentials.accountWithAlias(ctx.tx, input.AccountAlias!);
    if (owner && owner.accountId !== ctx.accountId) throw new EntityAlreadyExists(`The account alias ${input.AccountAlias} already exists.`);
    // Creating an alias replaces the account's previous one, as IAM does.
    await ctx.app.credentials.putAccount(ctx.tx, { ...(await account(ctx)), alias: input.AccountAlias! });
    return {};
  },
});

export const DeleteAccountAlias = defineOperation<DeleteAccountAliasRequest, object>({
  name: 'DeleteAccountAlias',
  readOnly: false,
  input: structure({ AccountAlias: required(AccountAlias) }),
  async handler(ctx, input) {
    const doc = await account(ctx);
    if (doc.alias !== input.AccountAlias) throw new NoSuchEntity(`The account alias ${input.AccountAlias} cannot be found.`);
    delete doc.alias;
    await ctx.app.credentials.putAccount(ctx.tx, doc);
    return {};
  },
});

export const ListAccountAliases = defineOperation<ListAccountAliasesRequest, ListAccountAliasesResponse>({
  name: 'ListAccountAliases',
  readOnly: true,
  input: structure({ Marker, MaxItems }),
  output: structure({ AccountAliases: list(string()), ...truncation }),
  async handler(ctx) {
    const doc = await account(ctx);
    return { AccountAliases: doc.alias ? [doc.alias] : [], IsTruncated: false };
  },
});
