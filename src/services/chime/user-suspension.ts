// Chime user suspension: BatchSuspendUser, BatchUnsuspendUser.
// Team accounts: suspending a user removes it from the account (re-add with InviteUsers).
// EnterpriseLWA accounts: the user is signed out and Suspended until BatchUnsuspendUser.
import type { BatchSuspendUserRequest, BatchSuspendUserResponse, BatchUnsuspendUserRequest, BatchUnsuspendUserResponse } from '@aws-sdk/client-chime';
import { list, required, structure } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import { BadRequestException } from './errors.ts';
import { eachItem, getAccount, getUser, iso, leaveAllRooms, putUser, userKey } from './model.ts';
import { releaseNumber } from './phone-inventory.ts';
import { AccountIdLabel, itemErrors, NonEmpty } from './shapes.ts';
import { userResources } from './users.ts';

const input = structure({ AccountId: AccountIdLabel, UserIdList: required(list(NonEmpty, { max: 50 })) });
const output = structure({ UserErrors: itemErrors('UserId') });
const resources = (i: { AccountId?: string; UserIdList?: string[] }) => userResources(i.AccountId, i.UserIdList ?? []);

export const BatchSuspendUser = defineOperation<BatchSuspendUserRequest, BatchSuspendUserResponse>({
  name: 'BatchSuspendUser',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/users?operation=suspend', status: 200 },
  input,
  output,
  async handler(ctx, req) {
    const account = await getAccount(ctx, req.AccountId!);
    if (account.AccountType !== 'Team' && account.AccountType !== 'EnterpriseLWA') {
      throw new BadRequestException(`Users of ${account.AccountType} accounts are managed in their directory and cannot be suspended here.`);
    }
    const errors = await eachItem(req.UserIdList!, 'UserId', (id) => id, async (id) => {
      const user = await getUser(ctx, account.AccountId, id);
      if (account.AccountType === 'Team') {
        await releaseNumber(ctx, user.PrimaryProvisionedNumber);
        await leaveAllRooms(ctx.tx, user.UserId);
        await ctx.tx.docs.delete(userKey(account.AccountId, user.UserId));
        return;
      }
      if (user.UserRegistrationStatus === 'Suspended') return;
      user.UserRegistrationStatus = 'Suspended';
      user.LoggedOutAt = iso(ctx.now);
      await putUser(ctx.tx, user);
    });
    return { UserErrors: errors };
  },
  lookupResources: resources,
});

export const BatchUnsuspendUser = defineOperation<BatchUnsuspendUserRequest, BatchUnsuspendUserResponse>({
  name: 'BatchUnsuspendUser',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/users?operation=unsuspend', status: 200 },
  input,
  output,
  async handler(ctx, req) {
    const account = await getAccount(ctx, req.AccountId!);
    if (account.AccountType !== 'EnterpriseLWA') {
      throw new BadRequestException(`Users can be unsuspended only in EnterpriseLWA accounts; account ${account.AccountId} is a ${account.AccountType} account.`);
    }
    const errors = await eachItem(req.UserIdList!, 'UserId', (id) => id, async (id) => {
      const user = await getUser(ctx, account.AccountId, id);
      // Users that are not suspended are left as they are.
      if (user.UserRegistrationStatus !== 'Suspended') return;
      user.UserRegistrationStatus = 'Registered';
      await putUser(ctx.tx, user);
    });
    return { UserErrors: errors };
  },
  lookupResources: resources,
});
