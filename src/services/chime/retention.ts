// Chat retention of an Enterprise account: GetRetentionSettings, PutRetentionSettings.
import type { GetRetentionSettingsRequest, GetRetentionSettingsResponse, PutRetentionSettingsRequest, PutRetentionSettingsResponse } from '@aws-sdk/client-chime';
import { integer, required, structure, timestamp } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import { accountResource, date, getAccount, iso, putAccount, requireEnterprise } from './model.ts';
import { AccountIdLabel } from './shapes.ts';

const Days = structure({ RetentionDays: integer({ min: 1, max: 5475 }) });
const RetentionSettings = structure({ RoomRetentionSettings: Days, ConversationRetentionSettings: Days });
const output = structure({ RetentionSettings, InitiateDeletionTimestamp: timestamp() });

export const GetRetentionSettings = defineOperation<GetRetentionSettingsRequest, GetRetentionSettingsResponse>({
  name: 'GetRetentionSettings',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/retention-settings', status: 200 },
  input: structure({ AccountId: AccountIdLabel }),
  output,
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    requireEnterprise(account, 'Retention settings');
    const r = account.Retention;
    return { RetentionSettings: r?.RetentionSettings ?? {}, ...(r?.InitiateDeletionTimestamp ? { InitiateDeletionTimestamp: date(r.InitiateDeletionTimestamp) } : {}) };
  },
  lookupResources: accountResource,
});

export const PutRetentionSettings = defineOperation<PutRetentionSettingsRequest, PutRetentionSettingsResponse>({
  name: 'PutRetentionSettings',
  readOnly: false,
  // Modelled as 204 with output members, which a 204 cannot carry: the body stays empty.
  http: { method: 'PUT', uri: '/accounts/{AccountId}/retention-settings', status: 204 },
  input: structure({ AccountId: AccountIdLabel, RetentionSettings: required(RetentionSettings) }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    requireEnterprise(account, 'Retention settings');
    const settings = input.RetentionSettings!;
    // Removing the number of days turns retention off; deletion starts when a period is first set.
    const on = settings.RoomRetentionSettings?.RetentionDays !== undefined || settings.ConversationRetentionSettings?.RetentionDays !== undefined;
    const started = on ? (account.Retention?.InitiateDeletionTimestamp ?? iso(ctx.now)) : undefined;
    account.Retention = { RetentionSettings: settings, ...(started ? { InitiateDeletionTimestamp: started } : {}) };
    await putAccount(ctx.tx, account);
    // The 204 carries no body, and the record shows what the client received: nothing.
    return {};
  },
  lookupResources: accountResource,
});
