// AWS-account-wide Chime settings: GetGlobalSettings, UpdateGlobalSettings,
// GetPhoneNumberSettings, UpdatePhoneNumberSettings (the outbound calling name).
import type {
  BusinessCallingSettings,
  GetGlobalSettingsResponse,
  GetPhoneNumberSettingsResponse,
  UpdateGlobalSettingsRequest,
  UpdatePhoneNumberSettingsRequest,
  VoiceConnectorSettings,
} from '@aws-sdk/client-chime';
import { required, string, structure, timestamp } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { BadRequestException } from './errors.ts';
import { COLLECTIONS, date, iso } from './model.ts';
import type { NoOutput } from './model.ts';
import { CallingName } from './phone-numbers.ts';

/** AWS documents that the outbound calling name can change once every 7 days. */
const CALLING_NAME_INTERVAL_MS = 7 * 86_400_000;

interface AwsSettingsDoc {
  BusinessCalling?: BusinessCallingSettings;
  VoiceConnector?: VoiceConnectorSettings;
  CallingName?: string;
  CallingNameUpdatedTimestamp?: string;
}

const key = (ctx: OperationContext) => ({ collection: COLLECTIONS.AWS_SETTINGS, partition: ctx.accountId, id: 'settings' });
const load = async (ctx: OperationContext) => (await ctx.tx.docs.get<AwsSettingsDoc>(key(ctx))) ?? {};
const CdrSettings = structure({ CdrBucket: string() });
const NO_INPUT = structure({});

export const GetGlobalSettings = defineOperation<Record<string, never>, GetGlobalSettingsResponse>({
  name: 'GetGlobalSettings',
  readOnly: true,
  http: { method: 'GET', uri: '/settings', status: 200 },
  input: NO_INPUT,
  output: structure({ BusinessCalling: CdrSettings, VoiceConnector: CdrSettings }),
  async handler(ctx) {
    const s = await load(ctx);
    return { BusinessCalling: s.BusinessCalling ?? {}, VoiceConnector: s.VoiceConnector ?? {} };
  },
});

export const UpdateGlobalSettings = defineOperation<UpdateGlobalSettingsRequest, NoOutput>({
  name: 'UpdateGlobalSettings',
  readOnly: false,
  http: { method: 'PUT', uri: '/settings', status: 204 },
  input: structure({ BusinessCalling: CdrSettings, VoiceConnector: CdrSettings }),
  async handler(ctx, input) {
    const s = await load(ctx);
    if (input.BusinessCalling !== undefined) s.BusinessCalling = input.BusinessCalling;
    if (input.VoiceConnector !== undefined) s.VoiceConnector = input.VoiceConnector;
    await ctx.tx.docs.put(key(ctx), s);
    return {};
  },
});

export const GetPhoneNumberSettings = defineOperation<Record<string, never>, GetPhoneNumberSettingsResponse>({
  name: 'GetPhoneNumberSettings',
  readOnly: true,
  http: { method: 'GET', uri: '/settings/phone-number', status: 200 },
  input: NO_INPUT,
  output: structure({ CallingName, CallingNameUpdatedTimestamp: timestamp() }),
  async handler(ctx) {
    const s = await load(ctx);
    return { CallingName: s.CallingName ?? '', ...(s.CallingNameUpdatedTimestamp ? { CallingNameUpdatedTimestamp: date(s.CallingNameUpdatedTimestamp) } : {}) };
  },
});

export const UpdatePhoneNumberSettings = defineOperation<UpdatePhoneNumberSettingsRequest, NoOutput>({
  name: 'UpdatePhoneNumberSettings',
  readOnly: false,
  http: { method: 'PUT', uri: '/settings/phone-number', status: 204 },
  input: structure({ CallingName: required(CallingName) }),
  async handler(ctx, input) {
    const s = await load(ctx);
    if (s.CallingNameUpdatedTimestamp !== undefined) {
      const next = new Date(new Date(s.CallingNameUpdatedTimestamp).getTime() + CALLING_NAME_INTERVAL_MS);
      if (next > ctx.now) throw new BadRequestException(`The calling name can be updated once every 7 days; the next update is possible after ${iso(next)}.`);
    }
    s.CallingName = input.CallingName!;
    s.CallingNameUpdatedTimestamp = iso(ctx.now);
    await ctx.tx.docs.put(key(ctx), s);
    return {};
  },
});
