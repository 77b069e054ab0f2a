// Chime state: accounts and users as documents, and the rules shared by the operations.
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import type { Account, AccountSettings, User } from '@aws-sdk/client-chime';
import type { OperationContext } from '../service.ts';
import type { Tx } from '../../storage/store.ts';
import { BadRequestException, NotFoundException } from './errors.ts';
import { PageTokens } from '../../aws/pagination.ts';

const ACCOUNTS = 'chime.account';
const USERS = 'chime.user';

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
  /** Keyed hash of the personal PIN; the PIN itself is shown once, on reset. */
  PinHash?: string;
}

export function accountView(doc: AccountDoc): Account {
  const { Settings: _settings, CreatedTimestamp, ...rest } = doc;
  return { ...rest, CreatedTimestamp: new Date(CreatedTimestamp) };
}

export function userView(doc: UserDoc): User {
  const { PinHash: _pin, InvitedOn, RegisteredOn, ...rest } = doc;
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

function tokens(ctx: OperationContext): PageTokens {
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

export const COLLECTIONS = { ACCOUNTS, USERS };
