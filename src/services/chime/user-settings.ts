// Chime user settings: GetUserSettings, UpdateUserSettings (telephony permissions).
import type { GetUserSettingsRequest, GetUserSettingsResponse, UpdateUserSettingsRequest } from '@aws-sdk/client-chime';
import { boolean, required, structure } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import { getUser, putUser, requireNotSuspended } from './model.ts';
import type { NoOutput } from './model.ts';
import { PlainLabel } from './shapes.ts';
import { userResources } from './users.ts';

const Telephony = structure({ InboundCalling: required(boolean()), OutboundCalling: required(boolean()), SMS: required(boolean()) });
const UserSettings = structure({ Telephony: required(Telephony) });
/** What a user may do before anyone changes it. */
const DEFAULT_TELEPHONY = { InboundCalling: true, OutboundCalling: true, SMS: true };
const resources = (i: { AccountId?: string; UserId?: string }) => userResources(i.AccountId, [i.UserId]);

export const GetUserSettings = defineOperation<GetUserSettingsRequest, GetUserSettingsResponse>({
  name: 'GetUserSettings',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/users/{UserId}/settings', status: 200 },
  input: structure({ AccountId: PlainLabel, UserId: PlainLabel }),
  output: structure({ UserSettings }),
  async handler(ctx, input) {
    const user = await getUser(ctx, input.AccountId!, input.UserId!);
    return { UserSettings: { Telephony: { ...(user.Telephony ?? DEFAULT_TELEPHONY) } } };
  },
  lookupResources: resources,
});

export const UpdateUserSettings = defineOperation<UpdateUserSettingsRequest, NoOutput>({
  name: 'UpdateUserSettings',
  readOnly: false,
  http: { method: 'PUT', uri: '/accounts/{AccountId}/users/{UserId}/settings', status: 204 },
  input: structure({ AccountId: PlainLabel, UserId: PlainLabel, UserSettings: required(UserSettings) }),
  async handler(ctx, input) {
    const user = await getUser(ctx, input.AccountId!, input.UserId!);
    requireNotSuspended(user);
    const t = input.UserSettings!.Telephony!;
    user.Telephony = { InboundCalling: t.InboundCalling!, OutboundCalling: t.OutboundCalling!, SMS: t.SMS! };
    await putUser(ctx.tx, user);
    return {};
  },
  lookupResources: resources,
});
