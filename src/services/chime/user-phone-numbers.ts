// A user's primary phone number: AssociatePhoneNumberWithUser, DisassociatePhoneNumberFromUser.
// Only registered users that are not suspended can take a number; a user holds one number, so
// associating another releases the first back to the inventory.
import type {
  AssociatePhoneNumberWithUserRequest,
  AssociatePhoneNumberWithUserResponse,
  DisassociatePhoneNumberFromUserRequest,
  DisassociatePhoneNumberFromUserResponse,
} from '@aws-sdk/client-chime';
import { required, structure } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import { BadRequestException } from './errors.ts';
import { getUser, iso, putUser, requireNotSuspended } from './model.ts';
import { assignableNumber, normalizeE164, putPhoneNumber, releaseNumber } from './phone-inventory.ts';
import { E164, PlainLabel } from './shapes.ts';
import { userResources } from './users.ts';

const resources = (i: { AccountId?: string; UserId?: string }) => userResources(i.AccountId, [i.UserId]);

export const AssociatePhoneNumberWithUser = defineOperation<AssociatePhoneNumberWithUserRequest, AssociatePhoneNumberWithUserResponse>({
  name: 'AssociatePhoneNumberWithUser',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/users/{UserId}?operation=associate-phone-number', status: 200 },
  input: structure({ AccountId: PlainLabel, UserId: PlainLabel, E164PhoneNumber: required(E164) }),
  async handler(ctx, input) {
    const user = await getUser(ctx, input.AccountId!, input.UserId!);
    requireNotSuspended(user);
    if (user.UserRegistrationStatus !== 'Registered') {
      throw new BadRequestException(`User ${user.UserId} has not registered yet; only registered users can be given a phone number.`);
    }
    const e164 = normalizeE164(input.E164PhoneNumber!);
    const number = await assignableNumber(ctx, e164, user.UserId);
    if (user.PrimaryProvisionedNumber !== e164) await releaseNumber(ctx, user.PrimaryProvisionedNumber);
    const at = iso(ctx.now);
    number.Status = 'Assigned';
    number.Associations = [
      { Name: 'AccountId', Value: user.AccountId, AssociatedTimestamp: at },
      { Name: 'UserId', Value: user.UserId, AssociatedTimestamp: at },
    ];
    await putPhoneNumber(ctx, number);
    user.PrimaryProvisionedNumber = e164;
    await putUser(ctx.tx, user);
    return {};
  },
  lookupResources: resources,
});

export const DisassociatePhoneNumberFromUser = defineOperation<DisassociatePhoneNumberFromUserRequest, DisassociatePhoneNumberFromUserResponse>({
  name: 'DisassociatePhoneNumberFromUser',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/users/{UserId}?operation=disassociate-phone-number', status: 200 },
  input: structure({ AccountId: PlainLabel, UserId: PlainLabel }),
  async handler(ctx, input) {
    const user = await getUser(ctx, input.AccountId!, input.UserId!);
    // A user without a number is already in the state asked for.
    if (user.PrimaryProvisionedNumber === undefined) return {};
    await releaseNumber(ctx, user.PrimaryProvisionedNumber);
    delete user.PrimaryProvisionedNumber;
    await putUser(ctx.tx, user);
    return {};
  },
  lookupResources: resources,
});
