// IAM entities as documents: users, roles and MFA devices of an account. Users and roles are
// keyed by their unique id (AIDA…/AROA…) and found by name through a lower-cased index, since
// IAM names are unique regardless of case.
import type { Tx } from '../storage/store.ts';

const USERS = 'iam.user';
const ROLES = 'iam.role';
const MFA = 'iam.mfa';

export interface Tag {
  Key: string;
  Value: string;
}

/** What users and roles share: the policies that give them permissions. */
export interface PolicyHolder {
  accountId: string;
  Path: string;
  Arn: string;
  CreateDate: string;
  Tags?: Tag[];
  /** Inline policies by name (documents as sent). */
  inlinePolicies: Record<string, string>;
  /** ARNs of attached managed policies. */
  attachedPolicies: string[];
}

export interface UserDoc extends PolicyHolder {
  UserName: string;
  UserId: string;
  /** scrypt hash of the console password (never the password). */
  loginProfile?: { passwordHash: string; createDate: string; passwordResetRequired: boolean };
  PasswordLastUsed?: string;
}

export interface RoleDoc extends PolicyHolder {
  RoleName: string;
  RoleId: string;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
}

export interface MfaDeviceDoc {
  accountId: string;
  SerialNumber: string;
  /** The TOTP seed, sealed. */
  sealedSeed: string;
  createDate: string;
  Tags?: Tag[];
  enabled?: { userId: string; date: string };
  /** The last TOTP time step accepted: a code is good once. */
  lastStep?: number;
}

export const userKey = (accountId: string, userId: string) => ({ collection: USERS, partition: accountId, id: userId });
export const roleKey = (accountId: string, roleId: string) => ({ collection: ROLES, partition: accountId, id: roleId });
const mfaKey = (accountId: string, serial: string) => ({ collection: MFA, partition: accountId, id: serial });

export const userArn = (accountId: string, path: string, name: string) => `arn:aws:iam::${accountId}:user${path}${name}`;
export const roleArn = (accountId: string, path: string, name: string) => `arn:aws:iam::${accountId}:role${path}${name}`;

export async function findUser(tx: Tx, accountId: string, userName: string): Promise<UserDoc | undefined> {
  return (await tx.docs.findByIndex<UserDoc>(USERS, userName.toLowerCase(), accountId))[0];
}

export async function getUserById(tx: Tx, accountId: string, userId: string): Promise<UserDoc | undefined> {
  return tx.docs.get<UserDoc>(userKey(accountId, userId));
}

export async function putUser(tx: Tx, doc: UserDoc): Promise<void> {
  await tx.docs.put(userKey(doc.accountId, doc.UserId), doc, doc.UserName.toLowerCase());
}

export async function findRole(tx: Tx, accountId: string, roleName: string): Promise<RoleDoc | undefined> {
  return (await tx.docs.findByIndex<RoleDoc>(ROLES, roleName.toLowerCase(), accountId))[0];
}

export async function getRoleById(tx: Tx, accountId: string, roleId: string): Promise<RoleDoc | undefined> {
  return tx.docs.get<RoleDoc>(roleKey(accountId, roleId));
}

export async function putRole(tx: Tx, doc: RoleDoc): Promise<void> {
  await tx.docs.put(roleKey(doc.accountId, doc.RoleId), doc, doc.RoleName.toLowerCase());
}

export async function getMfaDevice(tx: Tx, accountId: string, serial: string): Promise<MfaDeviceDoc | undefined> {
  return tx.docs.get<MfaDeviceDoc>(mfaKey(accountId, serial));
}

export async function putMfaDevice(tx: Tx, doc: MfaDeviceDoc): Promise<void> {
  await tx.docs.put(mfaKey(doc.accountId, doc.SerialNumber), doc, doc.enabled?.userId ?? null);
}

export async function mfaDevicesOf(tx: Tx, accountId: string, userId: string): Promise<MfaDeviceDoc[]> {
  return tx.docs.findByIndex<MfaDeviceDoc>(MFA, userId, accountId);
}

/** Every document of a collection in an account, in creation order (IAM lists are small). */
export async function listAll<T>(tx: Tx, collection: 'user' | 'role', accountId: string): Promise<T[]> {
  const name = { user: USERS, role: ROLES }[collection];
  const out: T[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await tx.docs.list<T>(name, accountId, { after, limit: 1000 });
    out.push(...page.items);
    if (page.next === undefined) return out;
    after = page.next;
  }
}

export const tagMap = (tags: Tag[] | undefined): Record<string, string> => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));
