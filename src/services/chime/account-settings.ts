// Chime account settings: GetAccountSettings, UpdateAccountSettings.
import type {
  GetAccountSettingsRequest,
  GetAccountSettingsResponse,
  UpdateAccountSettingsRequest,
  UpdateAccountSettingsResponse,
} from '@aws-sdk/client-chime';
import { required, structure } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import { accountResource, getAccount, putAccount } from './model.ts';
import { AccountIdLabel, AccountSettings } from './shapes.ts';

export const GetAccountSettings = defineOperation<GetAccountSettingsRequest, GetAccountSettingsResponse>({
  name: 'GetAccountSettings',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/settings', status: 200 },
  input: structure({ AccountId: AccountIdLabel }),
  output: structure({ AccountSettings }),
  async handler(ctx, input) {
    return { AccountSettings: { ...(await getAccount(ctx, input.AccountId!)).Settings } };
  },
  lookupResources: accountResource,
});

export const UpdateAccountSettings = defineOperation<UpdateAccountSettingsRequest, UpdateAccountSettingsResponse>({
  name: 'UpdateAccountSettings',
  readOnly: false,
  http: { method: 'PUT', uri: '/accounts/{AccountId}/settings', status: 204 },
  input: structure({ AccountId: AccountIdLabel, AccountSettings: required(AccountSettings) }),
  async handler(ctx, input) {
    const doc = await getAccount(ctx, input.AccountId!);
    doc.Settings = { ...doc.Settings, ...input.AccountSettings };
    await putAccount(ctx.tx, doc);
    return {};
  },
  lookupResources: accountResource,
});
