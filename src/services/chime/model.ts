// Chime state: accounts and users as documents, and the rules shared by the operations.
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import type { Account, AccountSettings, ErrorCode, RetentionSettings, TelephonySettings, User } from '@aws-sdk/client-chime';
import type { OperationContext } from '../service.ts';
import type { LookupResource, Tx } from '../../storage/store.ts';
import { BadRequestException, ChimeError, NotFoundException } from './errors.ts';
import { PageTokens } from '../../aws/pagination.ts';

const ACCOUNTS = 'chime.account';
const USERS = 'chime.user';
const BOTS = 'chime.bot';
const ROOMS = 'chime.room';
/** Partitioned by room; indexed by member id (ListRooms?member-id=). */
const MEMBERSHIPS = 'chime.membership';
/** Partitioned by Chime account; indexed by lower-cased domain name, so a claim is global. */
const DOMAINS = 'chime.domain';
/** Partitioned by AWS account; indexed by the E.164 number, which only one AWS account can hold. */
const PHONE_NUMBERS = 'chime.phone-number';
const PHONE_ORDERS = 'chime.phone-number-order';
/** AWS-account-wide settings (global and phone-number settings), one document per AWS account. */
const AWS_SETTINGS = 'chime.aws-settings';
const DIAL_OUTS = 'chime.dial-out';
const REDACTIONS = 'chime.redaction';
/** CreateRoom idempotency: a hash of the ClientRequestToken, pointing at the room it created. */
const ROOM_TOKENS = 'chime.room-token';

/**
 * Product limits (AWS publishes no figures for most of them). They are what
 * ResourceLimitExceededException reports.
 */
export const LIMITS = {
  botsPerAccount: 10,
  roomsPerAccount: 100,
  membersPerRoom: 100,
  phoneNumbersPerAwsAccount: 1000,
  dialOutsPerMeeting: 10,
} as const;

export interface AccountDoc {
  AwsAccountId: string;
  AccountId: string;
  Name: string;
  AccountType: 'Team' | 'EnterpriseDirectory' | 'EnterpriseLWA' | 'EnterpriseOIDC';
  CreatedTimestamp: string;
  DefaultLicense: 'Basic' | 'Plus' | 'Pro' | 'ProTrial';
  SupportedLicenses: ('Basic' | 'Plus' | 'Pro' | 'ProTrial')[];
  AccountStatus: 'Active' | 'Suspended';
  SigninDelegateGroups: { GroupName: string }[];
  Settings: Required<AccountSettings>;
  Retention?: { RetentionSettings: RetentionSettings; InitiateDeletionTimestamp?: string };
}

export interface UserDoc {
  UserId: string;
  AccountId: string;
  PrimaryEmail?: string;
  DisplayName?: string;
  LicenseType: AccountDoc['DefaultLicense'];
  UserType: 'PrivateUser' | 'SharedDevice';
  UserRegistrationStatus: 'Unregistered' | 'Registered' | 'Suspended';
  UserInvitationStatus: 'Pending' | 'Accepted' | 'Failed';
  InvitedOn?: string;
  RegisteredOn?: string;
  PrimaryProvisionedNumber?: string;
  AlexaForBusinessMetadata?: { IsAlexaForBusinessEnabled?: boolean; AlexaForBusinessRoomArn?: string };
  Telephony?: Required<TelephonySettings>;
  /** Keyed hash of the personal PIN; the PIN itself is shown once, on reset. */
  PinHash?: string;
  /** Set by LogoutUser: the user's sessions end at this time. */
  LoggedOutAt?: string;
}

export function accountView(doc: AccountDoc): Account {
  const { Settings: _settings, Retention: _retention, CreatedTimestamp, ...rest } = doc;
  return { ...rest, CreatedTimestamp: new Date(CreatedTimestamp) };
}

export function userView(doc: UserDoc): User {
  const { PinHash: _pin, Telephony: _telephony, LoggedOutAt: _out, InvitedOn, RegisteredOn, ...rest } = doc;
  return {
    ...rest,
    ...(InvitedOn ? { InvitedOn: new Date(InvitedOn) } : {}),
    ...(RegisteredOn ? { RegisteredOn: new Date(RegisteredOn) } : {}),
  };
}

export const accountKey = (awsAccountId: string, accountId: string) => ({ collection: ACCOUNTS, partition: awsAccountId, id: accountId });
export const userKey = (accountId: string, userId: string) => ({ collection: USERS, partition: accountId, id: userId });

export async function getAccount(ctx: OperationContext, accountId: string): Promise<AccountDoc> {
  const doc = await ctx.tx.docs.get<AccountDoc>(accountKey(ctx.accountId, accountId));
  if (!doc) throw new NotFoundException(`The requested account ${accountId} does not exist.`);
  return doc;
}

export async function putAccount(tx: Tx, doc: AccountDoc): Promise<void> {
  await tx.docs.put(accountKey(doc.AwsAccountId, doc.AccountId), doc, doc.Name.toLowerCase());
}

export async function getUser(ctx: OperationContext, accountId: string, userId: string): Promise<UserDoc> {
  await getAccount(ctx, accountId);
  const doc = await ctx.tx.docs.get<UserDoc>(userKey(accountId, userId));
  if (!doc) throw new NotFoundException(`The requested user ${userId} does not exist in account ${accountId}.`);
  return doc;
}

export async function putUser(tx: Tx, doc: UserDoc): Promise<void> {
  await tx.docs.put(userKey(doc.AccountId, doc.UserId), doc, doc.PrimaryEmail?.toLowerCase() ?? null);
}

export async function usersByEmail(tx: Tx, email: string, accountId?: string): Promise<UserDoc[]> {
  return tx.docs.findByIndex<UserDoc>(USERS, email.toLowerCase(), accountId);
}

export async function accountsNamed(ctx: OperationContext, name: string): Promise<AccountDoc[]> {
  return ctx.tx.docs.findByIndex<AccountDoc>(ACCOUNTS, name.toLowerCase(), ctx.accountId);
}

export function newId(): string {
  return randomUUID();
}

/** A new 10-digit meeting PIN and the keyed hash that is kept instead of it. */
export function newPin(ctx: OperationContext): { pin: string; hash: string } {
  let pin = '';
  for (let i = 0; i < 10; i++) pin += String(randomInt(10));
  const hash = createHmac('sha256', ctx.app.box.derive('chime-pin')).update(pin).digest('base64url');
  return { pin, hash };
}

export function tokens(ctx: OperationContext): PageTokens {
  return new PageTokens(ctx.app.box.derive('chime-next-token'));
}

/**
 * One page of a partition in insertion order, keeping only the items `keep` accepts. Items added
 * while a client pages appear on later pages; none is skipped or repeated.
 */
export async function page<T>(
  ctx: OperationContext,
  collection: string,
  partition: string,
  opts: { nextToken?: string; maxResults?: number; defaultMax: number; query: unknown; keep?: (item: T) => boolean },
): Promise<{ items: T[]; nextToken?: string }> {
  let after = 0;
  if (opts.nextToken !== undefined) {
    const pos = tokens(ctx).decode<number>(opts.nextToken, opts.query);
    if (typeof pos !== 'number') throw new BadRequestException('The next token is not valid for this request.');
    after = pos;
  }
  const limit = opts.maxResults ?? opts.defaultMax;
  const items: T[] = [];
  for (;;) {
    const batch = await ctx.tx.docs.list<T>(collection, partition, { after, limit: limit - items.length });
    items.push(...(opts.keep ? batch.items.filter(opts.keep) : batch.items));
    if (batch.next === undefined) return { items };
    after = batch.next;
    // `next` is set only when more documents follow, so a token never leads to nothing unread.
    if (items.length >= limit) return { items, nextToken: tokens(ctx).encode(after, opts.query) };
  }
}

/** Enterprise-only features refuse Team accounts (a verified domain makes an account EnterpriseLWA). */
export function requireEnterprise(account: AccountDoc, feature: string): void {
  if (account.AccountType === 'Team') {
    throw new BadRequestException(
      `${feature} are available only in Enterprise accounts; ${account.AccountId} is a Team account. Claim and verify a domain to make it an EnterpriseLWA account.`,
    );
  }
}

/** Users and account defaults only take licenses the account supports. */
export function requireSupportedLicense(account: AccountDoc, license: AccountDoc['DefaultLicense']): void {
  if (!account.SupportedLicenses.includes(license)) {
    throw new BadRequestException(`License ${license} is not supported by account ${account.AccountId} (supported: ${account.SupportedLicenses.join(', ')}).`);
  }
}

/** Suspended users can do nothing until they are unsuspended. */
export function requireNotSuspended(user: UserDoc): void {
  if (user.UserRegistrationStatus === 'Suspended') {
    throw new BadRequestException(`User ${user.UserId} is suspended. Unsuspend the user with BatchUnsuspendUser first.`);
  }
}

export type ItemError<K extends string> = { [P in K]?: string } & { ErrorCode: ErrorCode; ErrorMessage: string };

/** No output members (operations modelled with `smithy.api#Unit` output). */
export type NoOutput = Record<string, never>;

/**
 * Runs `fn` for each item of a batch; a modelled error of one item becomes an entry of the
 * batch's error list (UserErrors, Errors, PhoneNumberErrors) instead of failing the call.
 */
export async function eachItem<T, K extends string>(
  items: T[],
  idKey: K,
  idOf: (item: T) => string | undefined,
  fn: (item: T) => Promise<void>,
): Promise<ItemError<K>[]> {
  const errors: ItemError<K>[] = [];
  for (const item of items) {
    try {
      await fn(item);
    } catch (err) {
      if (!(err instanceof ChimeError)) throw err;
      errors.push({ [idKey]: idOf(item), ErrorCode: err.fields.Code as ErrorCode, ErrorMessage: err.message } as ItemError<K>);
    }
  }
  return errors;
}

/** Every document of a partition, in insertion order. */
export async function listAll<T>(tx: Tx, collection: string, partition: string): Promise<T[]> {
  const out: T[] = [];
  let after: number | undefined;
  do {
    const batch = await tx.docs.list<T>(collection, partition, { after, limit: 500 });
    out.push(...batch.items);
    after = batch.next;
  } while (after !== undefined);
  return out;
}

/** Event history resources of a call: (type, id) pairs, those without an id left out. */
export function chimeResources(...pairs: [string, string | undefined][]): LookupResource[] {
  return pairs.filter((p): p is [string, string] => !!p[1]).map(([type, name]) => ({ type: `AWS::Chime::${type}`, name }));
}

/** The Chime account a call is about, as its Event history resource. */
export const accountResource = (input: { AccountId?: string }) => chimeResources(['Account', input.AccountId]);

/** ISO-8601 for documents; responses turn them back into Dates. */
export const iso = (d: Date) => d.toISOString();
export const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));

export const COLLECTIONS = { ACCOUNTS, USERS, BOTS, ROOMS, ROOM_TOKENS, MEMBERSHIPS, DOMAINS, PHONE_NUMBERS, PHONE_ORDERS, AWS_SETTINGS, DIAL_OUTS, REDACTIONS };

/** Deletes every document of a partition (the children of a deleted parent). */
export async function deleteAll<T>(tx: Tx, collection: string, partition: string, idOf: (doc: T) => string): Promise<void> {
  for (const doc of await listAll<T>(tx, collection, partition)) await tx.docs.delete({ collection, partition, id: idOf(doc) });
}

/** Takes a user or bot out of every room it belongs to. */
export async function leaveAllRooms(tx: Tx, memberId: string): Promise<void> {
  for (const m of await tx.docs.findByIndex<{ RoomId: string }>(MEMBERSHIPS, memberId)) {
    await tx.docs.delete({ collection: MEMBERSHIPS, partition: m.RoomId, id: memberId });
  }
}
