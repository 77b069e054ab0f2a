// Virtual MFA devices: CreateVirtualMFADevice (a TOTP seed shown once), EnableMFADevice (two
// consecutive codes), ListMFADevices.
import type {
  CreateVirtualMFADeviceRequest,
  CreateVirtualMFADeviceResponse,
  EnableMFADeviceRequest,
  ListMFADevicesRequest,
  ListMFADevicesResponse,
} from '@aws-sdk/client-iam';
import { list, required, string, structure, timestamp } from '../../aws/shapes.ts';
import { getMfaDevice, mfaDevicesOf, putMfaDevice } from '../../iam/entities.ts';
import type { MfaDeviceDoc } from '../../iam/entities.ts';
import { consecutiveCodesMatch, newMfaSeed } from '../../iam/mfa.ts';
import { defineOperation } from '../service.ts';
import { EntityAlreadyExists, InvalidAuthenticationCode, NoSuchEntity } from './errors.ts';
import { pageOf, requireUser, targetUser, userResource, userResourceArn } from './model.ts';
import { AuthenticationCode, ExistingUserName, Marker, MaxItems, Path, SerialNumber, Tags, truncation } from './shapes.ts';

const mfaArn = (accountId: string, path: string, name: string) => `arn:aws:iam::${accountId}:mfa${path}${name}`;

export const CreateVirtualMFADevice = defineOperation<CreateVirtualMFADeviceRequest, CreateVirtualMFADeviceResponse>({
  name: 'CreateVirtualMFADevice',
  readOnly: false,
  input: structure({ Path, VirtualMFADeviceName: required(string({ min: 1, max: 226, pattern: /^[\w+=,.@-]+$/ })), Tags }),
  output: structure({ VirtualMFADevice: structure({ SerialNumber: string(), Base32StringSeed: string({ sensitive: true }) }) }),
  async handler(ctx, input) {
    const serial = mfaArn(ctx.accountId, input.Path ?? '/', input.VirtualMFADeviceName!);
    if (await getMfaDevice(ctx.tx, ctx.accountId, serial)) throw new EntityAlreadyExists('MFADevice entity at the same path and name already exists.');
    const seed = newMfaSeed(ctx.app.box);
    const doc: MfaDeviceDoc = { accountId: ctx.accountId, SerialNumber: serial, sealedSeed: seed.sealed, createDate: ctx.now.toISOString(), ...(input.Tags?.length ? { Tags: input.Tags as MfaDeviceDoc['Tags'] } : {}) };
    await putMfaDevice(ctx.tx, doc);
    // Base32StringSeed is a blob on the wire: the base32 text, base64-encoded.
    return { VirtualMFADevice: { SerialNumber: serial, Base32StringSeed: Buffer.from(seed.base32) } };
  },
  resourceArn: (input, ctx) => mfaArn(ctx.accountId, input.Path ?? '/', input.VirtualMFADeviceName!),
});

export const EnableMFADevice = defineOperation<EnableMFADeviceRequest, object>({
  name: 'EnableMFADevice',
  readOnly: false,
  input: structure({
    UserName: required(ExistingUserName),
    SerialNumber: required(SerialNumber),
    AuthenticationCode1: required(AuthenticationCode),
    AuthenticationCode2: required(AuthenticationCode),
  }),
  sensitive: ['AuthenticationCode1', 'AuthenticationCode2'],
  async handler(ctx, input) {
    const user = await requireUser(ctx, input.UserName!);
    const device = await getMfaDevice(ctx.tx, ctx.accountId, input.SerialNumber!);
    if (!device) throw new NoSuchEntity(`VirtualMFADevice with serial number ${input.SerialNumber} doesn't exist.`);
    if (device.enabled) throw new EntityAlreadyExists('MFA Device is already in use.');
    const lastStep = consecutiveCodesMatch(ctx.app.box, device, input.AuthenticationCode1!, input.AuthenticationCode2!, ctx.now);
    if (lastStep === undefined) throw new InvalidAuthenticationCode('Authentication code for device is not valid.');
    await putMfaDevice(ctx.tx, { ...device, enabled: { userId: user.UserId, date: ctx.now.toISOString() }, lastStep });
    return {};
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => userResource(input.UserName),
});

export const ListMFADevices = defineOperation<ListMFADevicesRequest, ListMFADevicesResponse>({
  name: 'ListMFADevices',
  readOnly: true,
  input: structure({ UserName: ExistingUserName, Marker, MaxItems }),
  output: structure({ MFADevices: list(structure({ UserName: string(), SerialNumber: string(), EnableDate: timestamp() })), ...truncation }),
  async handler(ctx, input) {
    const user = await targetUser(ctx, input.UserName);
    const devices = user ? await mfaDevicesOf(ctx.tx, ctx.accountId, user.UserId) : [];
    const { items, ...rest } = pageOf(ctx, devices, input, { user: user?.UserId });
    return { MFADevices: items.map((d) => ({ UserName: user!.UserName, SerialNumber: d.SerialNumber, EnableDate: new Date(d.enabled!.date) })), ...rest };
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => userResource(input.UserName),
});
