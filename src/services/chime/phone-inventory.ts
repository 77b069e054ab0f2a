// The phone-number inventory of an AWS account: documents, and the rules that tie numbers to users.
import type { PhoneNumber } from '@aws-sdk/client-chime';
import type { OperationContext } from '../service.ts';
import { AccessDeniedException, BadRequestException, NotFoundException } from './errors.ts';
import { COLLECTIONS, date, iso } from './model.ts';

/** Deleted numbers stay restorable this long, then leave the inventory for good. */
export const DELETION_QUEUE_DAYS = 7;
const DAY = 86_400_000;

export interface PhoneNumberDoc {
  /** The owner; numbers are unique across AWS accounts. */
  AwsAccountId: string;
  PhoneNumberId: string;
  E164PhoneNumber: string;
  Country: string;
  Type: 'Local' | 'TollFree';
  ProductType: 'BusinessCalling' | 'VoiceConnector' | 'SipMediaApplicationDialIn';
  Status: 'Unassigned' | 'Assigned' | 'DeleteInProgress';
  Associations: { Value: string; Name: 'AccountId' | 'UserId'; AssociatedTimestamp: string }[];
  CallingName?: string;
  CallingNameStatus: 'Unassigned' | 'UpdateSucceeded';
  CreatedTimestamp: string;
  UpdatedTimestamp: string;
  DeletionTimestamp?: string;
}

/** `+` is optional in the model's E.164 pattern; the inventory always keeps it. */
export const normalizeE164 = (n: string) => (n.startsWith('+') ? n : `+${n}`);

const key = (awsAccountId: string, id: string) => ({ collection: COLLECTIONS.PHONE_NUMBERS, partition: awsAccountId, id });

/** A number past its time in the deletion queue is gone, for its owner and for the pool. */
export const purged = (doc: PhoneNumberDoc, now: Date) =>
  doc.Status === 'DeleteInProgress' && new Date(doc.DeletionTimestamp!).getTime() + DELETION_QUEUE_DAYS * DAY <= now.getTime();

export function phoneNumberView(d: PhoneNumberDoc): PhoneNumber {
  const { AwsAccountId: _owner, ...doc } = d;
  return {
    ...doc,
    Capabilities: { InboundCall: true, OutboundCall: true, InboundSMS: true, OutboundSMS: true, InboundMMS: false, OutboundMMS: false },
    Associations: doc.Associations.map((a) => ({ ...a, AssociatedTimestamp: date(a.AssociatedTimestamp) })),
    CreatedTimestamp: date(doc.CreatedTimestamp),
    UpdatedTimestamp: date(doc.UpdatedTimestamp),
    DeletionTimestamp: date(doc.DeletionTimestamp),
  };
}

export async function getPhoneNumber(ctx: OperationContext, id: string): Promise<PhoneNumberDoc> {
  const doc = await ctx.tx.docs.get<PhoneNumberDoc>(key(ctx.accountId, normalizeE164(id)));
  if (!doc || purged(doc, ctx.now)) {
    // Someone else's number is named as such, so an admin is not left guessing.
    if ((await ownerOf(ctx, normalizeE164(id))) !== undefined) throw new AccessDeniedException(`Phone number ${id} belongs to another AWS account.`);
    throw new NotFoundException(`The requested phone number ${id} does not exist in this AWS account's inventory.`);
  }
  return doc;
}

/** The AWS account holding a number, if any does (numbers are unique across accounts). */
export async function ownerOf(ctx: OperationContext, e164: string): Promise<string | undefined> {
  const docs = await ctx.tx.docs.findByIndex<PhoneNumberDoc>(COLLECTIONS.PHONE_NUMBERS, e164);
  return docs.find((d) => !purged(d, ctx.now))?.AwsAccountId;
}

export async function putPhoneNumber(ctx: OperationContext, doc: PhoneNumberDoc): Promise<void> {
  doc.UpdatedTimestamp = iso(ctx.now);
  await ctx.tx.docs.put(key(doc.AwsAccountId, doc.PhoneNumberId), doc, doc.E164PhoneNumber);
}

/** Detaches a number from its user; the number stays in the inventory, unassigned. */
export async function releaseNumber(ctx: OperationContext, e164: string | undefined): Promise<void> {
  if (!e164) return;
  const doc = await ctx.tx.docs.get<PhoneNumberDoc>(key(ctx.accountId, e164));
  if (!doc) return;
  await putPhoneNumber(ctx, { ...doc, Status: 'Unassigned', Associations: [] });
}

/** A number a user can take: in the inventory, for business calling, and not someone else's. */
export async function assignableNumber(ctx: OperationContext, e164: string, userId: string): Promise<PhoneNumberDoc> {
  const doc = await getPhoneNumber(ctx, e164);
  if (doc.ProductType !== 'BusinessCalling') {
    throw new BadRequestException(`Phone number ${e164} has product type ${doc.ProductType}; only BusinessCalling numbers can be assigned to users.`);
  }
  if (doc.Status === 'DeleteInProgress') throw new BadRequestException(`Phone number ${e164} is queued for deletion. Restore it first.`);
  const holder = doc.Associations.find((a) => a.Name === 'UserId')?.Value;
  if (holder !== undefined && holder !== userId) throw new BadRequestException(`Phone number ${e164} is already assigned to another user.`);
  return doc;
}
