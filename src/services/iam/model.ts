// Rules the IAM operations share: finding users and roles (or NoSuchEntity), their views, policy
// documents (or MalformedPolicyDocument), Marker/MaxItems paging, and resource ARNs for policies.
import type { Role as RoleView, User as UserView } from '@aws-sdk/client-iam';
import { PageTokens } from '../../aws/pagination.ts';
import { findRole, findUser, roleArn, userArn } from '../../iam/entities.ts';
import type { RoleDoc, UserDoc } from '../../iam/entities.ts';
import { MalformedPolicy, parsePolicy } from '../../iam/policy.ts';
import type { LookupResource } from '../../storage/store.ts';
import type { OperationContext } from '../service.ts';
import { InvalidInput, MalformedPolicyDocument, NoSuchEntity } from './errors.ts';

export async function requireUser(ctx: OperationContext, userName: string): Promise<UserDoc> {
  const user = await findUser(ctx.tx, ctx.accountId, userName);
  if (!user) throw new NoSuchEntity(`The user with name ${userName} cannot be found.`);
  return user;
}

export async function requireRole(ctx: OperationContext, roleName: string): Promise<RoleDoc> {
  const role = await findRole(ctx.tx, ctx.accountId, roleName);
  if (!role) throw new NoSuchEntity(`The role with name ${roleName} cannot be found.`);
  return role;
}

/**
 * The user an operation with an optional UserName acts on: the named one, else the calling
 * IAM user; undefined means the account's root.
 */
export async function targetUser(ctx: OperationContext, userName: string | undefined): Promise<UserDoc | undefined> {
  if (userName !== undefined) return requireUser(ctx, userName);
  const p = ctx.principal;
  const self = p.type === 'IAMUser' ? p : p.type === 'FederatedUser' && p.issuer.type === 'IAMUser' ? p.issuer : undefined;
  if (self) return requireUser(ctx, self.userName);
  if (p.type === 'Root' || (p.type === 'FederatedUser' && p.issuer.type === 'Root')) return undefined;
  throw new InvalidInput('Must specify userName when calling with non-User credentials');
}

export function userView(doc: UserDoc): UserView {
  return {
    Path: doc.Path,
    UserName: doc.UserName,
    UserId: doc.UserId,
    Arn: doc.Arn,
    CreateDate: new Date(doc.CreateDate),
    ...(doc.PasswordLastUsed ? { PasswordLastUsed: new Date(doc.PasswordLastUsed) } : {}),
    ...(doc.Tags?.length ? { Tags: doc.Tags } : {}),
  };
}

/** IAM returns policy documents URL-encoded (the aws CLI decodes them, the SDKs do not). */
export const encodePolicy = (document: string) => encodeURIComponent(document);

export function roleView(doc: RoleDoc): RoleView {
  return {
    Path: doc.Path,
    RoleName: doc.RoleName,
    RoleId: doc.RoleId,
    Arn: doc.Arn,
    CreateDate: new Date(doc.CreateDate),
    AssumeRolePolicyDocument: encodePolicy(doc.AssumeRolePolicyDocument),
    ...(doc.Description !== undefined ? { Description: doc.Description } : {}),
    MaxSessionDuration: doc.MaxSessionDuration,
    ...(doc.Tags?.length ? { Tags: doc.Tags } : {}),
  };
}

/** Checks a policy document, answering MalformedPolicyDocument with the parser's reason. */
export function checkPolicy(document: string, kind: 'identity' | 'trust' = 'identity'): void {
  try {
    parsePolicy(document, kind);
  } catch (err) {
    if (err instanceof MalformedPolicy) throw new MalformedPolicyDocument(err.message);
    throw err;
  }
}

/**
 * One page of a list held in memory (IAM lists are small): a signed Marker carries the offset,
 * bound to the request's other parameters.
 */
export function pageOf<T>(ctx: OperationContext, items: T[], input: { Marker?: string; MaxItems?: number }, bound: unknown): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const tokens = new PageTokens(ctx.app.box.derive('iam-marker'));
  let start = 0;
  if (input.Marker !== undefined) {
    const pos = tokens.decode<number>(input.Marker, bound);
    if (typeof pos !== 'number') throw new InvalidInput('Invalid Marker.');
    start = pos;
  }
  const end = start + (input.MaxItems ?? 100);
  const truncated = end < items.length;
  return { items: items.slice(start, end), IsTruncated: truncated, ...(truncated ? { Marker: tokens.encode(end, bound) } : {}) };
}

/** The ARN policies see for a named user: with its path when it exists. */
export async function userResourceArn(ctx: OperationContext, userName: string | undefined): Promise<string> {
  // Without a name the operation acts on the calling user.
  if (userName === undefined) return ctx.principal.type === 'IAMUser' ? userArn(ctx.accountId, ctx.principal.path, ctx.principal.userName) : '*';
  const user = await findUser(ctx.tx, ctx.accountId, userName);
  return userArn(ctx.accountId, user?.Path ?? '/', userName);
}

export async function roleResourceArn(ctx: OperationContext, roleName: string): Promise<string> {
  const role = await findRole(ctx.tx, ctx.accountId, roleName);
  return roleArn(ctx.accountId, role?.Path ?? '/', roleName);
}

export const userResource = (userName: string | undefined): LookupResource[] => (userName ? [{ type: 'AWS::IAM::User', name: userName }] : []);
export const roleResource = (roleName: string | undefined): LookupResource[] => (roleName ? [{ type: 'AWS::IAM::Role', name: roleName }] : []);
