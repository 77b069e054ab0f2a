// Directory groups whose members may sign in to an Enterprise account:
// AssociateSigninDelegateGroupsWithAccount, DisassociateSigninDelegateGroupsFromAccount.
import type {
  AssociateSigninDelegateGroupsWithAccountRequest,
  AssociateSigninDelegateGroupsWithAccountResponse,
  DisassociateSigninDelegateGroupsFromAccountRequest,
  DisassociateSigninDelegateGroupsFromAccountResponse,
} from '@aws-sdk/client-chime';
import { list, required, string, structure } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import { accountResource, getAccount, putAccount, requireEnterprise } from './model.ts';
import { AccountIdLabel, NonEmpty } from './shapes.ts';

export const AssociateSigninDelegateGroupsWithAccount = defineOperation<
  AssociateSigninDelegateGroupsWithAccountRequest,
  AssociateSigninDelegateGroupsWithAccountResponse
>({
  name: 'AssociateSigninDelegateGroupsWithAccount',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}?operation=associate-signin-delegate-groups', status: 200 },
  input: structure({ AccountId: AccountIdLabel, SigninDelegateGroups: required(list(structure({ GroupName: NonEmpty }))) }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    requireEnterprise(account, 'Sign-in delegate groups');
    const names = new Set(account.SigninDelegateGroups.map((g) => g.GroupName));
    for (const g of input.SigninDelegateGroups!) {
      if (g.GroupName !== undefined && !names.has(g.GroupName)) {
        names.add(g.GroupName);
        account.SigninDelegateGroups.push({ GroupName: g.GroupName });
      }
    }
    await putAccount(ctx.tx, account);
    return {};
  },
  lookupResources: accountResource,
});

export const DisassociateSigninDelegateGroupsFromAccount = defineOperation<
  DisassociateSigninDelegateGroupsFromAccountRequest,
  DisassociateSigninDelegateGroupsFromAccountResponse
>({
  name: 'DisassociateSigninDelegateGroupsFromAccount',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}?operation=disassociate-signin-delegate-groups', status: 200 },
  input: structure({ AccountId: AccountIdLabel, GroupNames: required(list(string(), { min: 1 })) }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    const gone = new Set(input.GroupNames!);
    account.SigninDelegateGroups = account.SigninDelegateGroups.filter((g) => !gone.has(g.GroupName));
    await putAccount(ctx.tx, account);
    return {};
  },
  lookupResources: accountResource,
});
