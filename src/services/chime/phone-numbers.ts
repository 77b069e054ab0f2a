// The phone-number inventory: GetPhoneNumber, ListPhoneNumbers, UpdatePhoneNumber,
// BatchUpdatePhoneNumber, DeletePhoneNumber, BatchDeletePhoneNumber, RestorePhoneNumber.
// Deleting queues a number for DELETION_QUEUE_DAYS, during which RestorePhoneNumber brings it back.
import type {
  BatchDeletePhoneNumberRequest,
  BatchDeletePhoneNumberResponse,
  BatchUpdatePhoneNumberRequest,
  BatchUpdatePhoneNumberResponse,
  DeletePhoneNumberRequest,
  GetPhoneNumberRequest,
  GetPhoneNumberResponse,
  ListPhoneNumbersRequest,
  ListPhoneNumbersResponse,
  RestorePhoneNumberRequest,
  RestorePhoneNumberResponse,
  UpdatePhoneNumberRequest,
  UpdatePhoneNumberRequestItem,
  UpdatePhoneNumberResponse,
} from '@aws-sdk/client-chime';
import { boolean, list, query, required, string, structure, timestamp } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { BadRequestException, ConflictException, ResourceLimitExceededException } from './errors.ts';
import { chimeResources, COLLECTIONS, eachItem, iso, LIMITS, listAll, page } from './model.ts';
import type { NoOutput } from './model.ts';
import { getPhoneNumber, phoneNumberView, purged, putPhoneNumber } from './phone-inventory.ts';
import type { PhoneNumberDoc } from './phone-inventory.ts';
import { IdLabel, itemErrors, maxResults, NextToken, NonEmpty, PlainLabel, ProductType } from './shapes.ts';

export const CallingName = string({ pattern: /^$|^[a-zA-Z0-9 ]{2,15}$/, sensitive: true });
const PHONE_STATUSES = ['AcquireInProgress', 'AcquireFailed', 'Unassigned', 'Assigned', 'ReleaseInProgress', 'DeleteInProgress', 'ReleaseFailed', 'DeleteFailed'];
const ASSOCIATION_NAMES = ['AccountId', 'UserId', 'VoiceConnectorId', 'VoiceConnectorGroupId', 'SipRuleId'];

export const PhoneNumber = structure({
  PhoneNumberId: string(),
  E164PhoneNumber: string({ sensitive: true }),
  Country: string(),
  Type: string(),
  ProductType: string(),
  Status: string(),
  Capabilities: structure(Object.fromEntries(['InboundCall', 'OutboundCall', 'InboundSMS', 'OutboundSMS', 'InboundMMS', 'OutboundMMS'].map((k) => [k, boolean()]))),
  Associations: list(structure({ Value: string(), Name: string(), AssociatedTimestamp: timestamp() })),
  CallingName,
  CallingNameStatus: string(),
  CreatedTimestamp: timestamp(),
  UpdatedTimestamp: timestamp(),
  DeletionTimestamp: timestamp(),
});

const numberResource = (id: string | undefined) => chimeResources(['PhoneNumber', id]);

export const GetPhoneNumber = defineOperation<GetPhoneNumberRequest, GetPhoneNumberResponse>({
  name: 'GetPhoneNumber',
  readOnly: true,
  http: { method: 'GET', uri: '/phone-numbers/{PhoneNumberId}', status: 200 },
  input: structure({ PhoneNumberId: PlainLabel }),
  output: structure({ PhoneNumber }),
  async handler(ctx, input) {
    return { PhoneNumber: phoneNumberView(await getPhoneNumber(ctx, input.PhoneNumberId!)) };
  },
  lookupResources: (input) => numberResource(input.PhoneNumberId),
});

export const ListPhoneNumbers = defineOperation<ListPhoneNumbersRequest, ListPhoneNumbersResponse>({
  name: 'ListPhoneNumbers',
  readOnly: true,
  http: { method: 'GET', uri: '/phone-numbers', status: 200 },
  input: structure({
    Status: query('status', string({ enum: PHONE_STATUSES })),
    ProductType: query('product-type', ProductType),
    FilterName: query('filter-name', string({ enum: ASSOCIATION_NAMES })),
    FilterValue: query('filter-value', string()),
    MaxResults: maxResults(99),
    NextToken,
  }),
  output: structure({ PhoneNumbers: list(PhoneNumber), NextToken: string() }),
  async handler(ctx, input) {
    const { NextToken: token, MaxResults, ...filters } = input;
    if ((input.FilterName === undefined) !== (input.FilterValue === undefined)) {
      throw new BadRequestException('FilterName and FilterValue must be given together.');
    }
    const { items, nextToken } = await page<PhoneNumberDoc>(ctx, COLLECTIONS.PHONE_NUMBERS, ctx.accountId, {
      nextToken: token,
      maxResults: MaxResults,
      defaultMax: 99,
      query: filters,
      keep: (n) =>
        !purged(n, ctx.now) &&
        (input.Status === undefined || n.Status === input.Status) &&
        (input.ProductType === undefined || n.ProductType === input.ProductType) &&
        (input.FilterName === undefined || n.Associations.some((a) => a.Name === input.FilterName && a.Value === input.FilterValue)),
    });
    return { PhoneNumbers: items.map(phoneNumberView), ...(nextToken ? { NextToken: nextToken } : {}) };
  },
});

/** UpdatePhoneNumber and each item of BatchUpdatePhoneNumber. */
async function updateNumber(ctx: OperationContext, id: string, change: Pick<UpdatePhoneNumberRequestItem, 'ProductType' | 'CallingName'>): Promise<PhoneNumberDoc> {
  const doc = await getPhoneNumber(ctx, id);
  if (doc.Status === 'DeleteInProgress') throw new BadRequestException(`Phone number ${id} is queued for deletion. Restore it first.`);
  if (change.ProductType !== undefined && change.ProductType !== doc.ProductType) {
    if (doc.Associations.length > 0) {
      throw new ConflictException(`Request could not be completed due to a conflict: phone number ${id} is assigned; disassociate it before changing its product type.`);
    }
    doc.ProductType = change.ProductType;
  }
  if (change.CallingName !== undefined) {
    // An empty calling name clears it.
    doc.CallingName = change.CallingName === '' ? undefined : change.CallingName;
    doc.CallingNameStatus = doc.CallingName === undefined ? 'Unassigned' : 'UpdateSucceeded';
  }
  await putPhoneNumber(ctx, doc);
  return doc;
}

export const UpdatePhoneNumber = defineOperation<UpdatePhoneNumberRequest, UpdatePhoneNumberResponse>({
  name: 'UpdatePhoneNumber',
  readOnly: false,
  http: { method: 'POST', uri: '/phone-numbers/{PhoneNumberId}', status: 200 },
  input: structure({ PhoneNumberId: PlainLabel, ProductType, CallingName }),
  output: structure({ PhoneNumber }),
  async handler(ctx, input) {
    return { PhoneNumber: phoneNumberView(await updateNumber(ctx, input.PhoneNumberId!, input)) };
  },
  lookupResources: (input) => numberResource(input.PhoneNumberId),
});

export const BatchUpdatePhoneNumber = defineOperation<BatchUpdatePhoneNumberRequest, BatchUpdatePhoneNumberResponse>({
  name: 'BatchUpdatePhoneNumber',
  readOnly: false,
  http: { method: 'POST', uri: '/phone-numbers?operation=batch-update', status: 200 },
  input: structure({ UpdatePhoneNumberRequestItems: required(list(structure({ PhoneNumberId: required(NonEmpty), ProductType, CallingName }))) }),
  output: structure({ PhoneNumberErrors: itemErrors('PhoneNumberId') }),
  async handler(ctx, input) {
    const errors = await eachItem(input.UpdatePhoneNumberRequestItems!, 'PhoneNumberId', (i) => i.PhoneNumberId, async (item) => {
      await updateNumber(ctx, item.PhoneNumberId!, item);
    });
    return { PhoneNumberErrors: errors };
  },
  lookupResources: (input) => (input.UpdatePhoneNumberRequestItems ?? []).flatMap((i) => numberResource(i.PhoneNumberId)),
});

/** DeletePhoneNumber and each item of BatchDeletePhoneNumber: into the deletion queue. */
async function deleteNumber(ctx: OperationContext, id: string): Promise<void> {
  const doc = await getPhoneNumber(ctx, id);
  if (doc.Status === 'DeleteInProgress') return;
  if (doc.Associations.length > 0) {
    throw new BadRequestException(`Phone number ${id} is assigned; disassociate it before deleting it.`, 'PhoneNumberAssociationsExist');
  }
  await putPhoneNumber(ctx, { ...doc, Status: 'DeleteInProgress', DeletionTimestamp: iso(ctx.now) });
}

export const DeletePhoneNumber = defineOperation<DeletePhoneNumberRequest, NoOutput>({
  name: 'DeletePhoneNumber',
  readOnly: false,
  http: { method: 'DELETE', uri: '/phone-numbers/{PhoneNumberId}', status: 204 },
  input: structure({ PhoneNumberId: PlainLabel }),
  async handler(ctx, input) {
    await deleteNumber(ctx, input.PhoneNumberId!);
    return {};
  },
  lookupResources: (input) => numberResource(input.PhoneNumberId),
});

export const BatchDeletePhoneNumber = defineOperation<BatchDeletePhoneNumberRequest, BatchDeletePhoneNumberResponse>({
  name: 'BatchDeletePhoneNumber',
  readOnly: false,
  http: { method: 'POST', uri: '/phone-numbers?operation=batch-delete', status: 200 },
  input: structure({ PhoneNumberIds: required(list(string(), { min: 1 })) }),
  output: structure({ PhoneNumberErrors: itemErrors('PhoneNumberId') }),
  async handler(ctx, input) {
    return { PhoneNumberErrors: await eachItem(input.PhoneNumberIds!, 'PhoneNumberId', (id) => id, (id) => deleteNumber(ctx, id)) };
  },
  lookupResources: (input) => (input.PhoneNumberIds ?? []).flatMap(numberResource),
});

/** Numbers that count against the inventory limit (queued deletions do not). */
export async function activeNumbers(ctx: OperationContext): Promise<number> {
  const all = await listAll<PhoneNumberDoc>(ctx.tx, COLLECTIONS.PHONE_NUMBERS, ctx.accountId);
  return all.filter((n) => n.Status !== 'DeleteInProgress').length;
}

export const RestorePhoneNumber = defineOperation<RestorePhoneNumberRequest, RestorePhoneNumberResponse>({
  name: 'RestorePhoneNumber',
  readOnly: false,
  http: { method: 'POST', uri: '/phone-numbers/{PhoneNumberId}?operation=restore', status: 200 },
  input: structure({ PhoneNumberId: IdLabel }),
  output: structure({ PhoneNumber }),
  async handler(ctx, input) {
    const doc = await getPhoneNumber(ctx, input.PhoneNumberId!);
    if (doc.Status !== 'DeleteInProgress') throw new BadRequestException(`Phone number ${input.PhoneNumberId} is not queued for deletion.`);
    if ((await activeNumbers(ctx)) >= LIMITS.phoneNumbersPerAwsAccount) {
      throw new ResourceLimitExceededException(`The inventory already holds ${LIMITS.phoneNumbersPerAwsAccount} phone numbers, the most an AWS account can hold.`);
    }
    const { DeletionTimestamp: _deleted, ...rest } = doc;
    const restored: PhoneNumberDoc = { ...rest, Status: 'Unassigned' };
    await putPhoneNumber(ctx, restored);
    return { PhoneNumber: phoneNumberView(restored) };
  },
  lookupResources: (input) => numberResource(input.PhoneNumberId),
});
