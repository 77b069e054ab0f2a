// What the STS operations share: the Credentials shape (secret and token never recorded), session
// policies, durations, and the MFA check of SerialNumber + TokenCode.
import { deflateRawSync } from 'node:zlib';
import { list, string, structure, timestamp } from '../../aws/shapes.ts';
import { verifyMfaCode } from '../../iam/mfa.ts';
import type { Principal, SessionInfo } from '../../iam/principal.ts';
import type { OperationContext } from '../service.ts';
import { AccessDenied, ValidationError } from '../iam/errors.ts';
import { checkPolicy } from '../iam/model.ts';

export const Credentials = structure({
  AccessKeyId: string(),
  SecretAccessKey: string({ sensitive: true }),
  SessionToken: string({ sensitive: true }),
  Expiration: timestamp(),
});

export const SessionPolicy = string({ min: 1, max: 2048, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ });
export const PolicyArns = list(structure({ arn: string({ min: 20, max: 2048 }) }), { max: 10 });
export const SerialNumber = string({ min: 9, max: 256, pattern: /^[\w+=/:,.@-]*$/ });
export const TokenCode = string({ min: 6, max: 6, pattern: /^\d*$/ });
export const StsTag = structure({ Key: string({ min: 1, max: 128 }), Value: string({ min: 0, max: 256 }) });

/** The session policies of a request, checked; undefined when none was given. */
export function sessionPolicies(policy: string | undefined, arns: { arn?: string }[] | undefined): SessionInfo['sessionPolicies'] {
  if (policy === undefined && !arns?.length) return undefined;
  if (policy !== undefined) checkPolicy(policy);
  return { documents: policy === undefined ? [] : [policy], arns: (arns ?? []).map((a) => a.arn!).filter(Boolean) };
}

/** Percentage of the packed-policy limit the session policies and tags use (AWS's PackedPolicySize). */
export function packedPolicySize(policy: string | undefined, arns: unknown[] | undefined, tags: unknown[] | undefined): number | undefined {
  if (policy === undefined && !arns?.length && !tags?.length) return undefined;
  const packed = deflateRawSync(JSON.stringify([policy ?? '', arns ?? [], tags ?? []])).length;
  return Math.max(1, Math.ceil((100 * packed) / 2048));
}

/** The long-term identity behind a caller that may ask for session or federation tokens. */
export function longTermCaller(ctx: OperationContext, operation: string): Extract<Principal, { type: 'Root' | 'IAMUser' }> {
  const p = ctx.principal;
  if ((p.type === 'Root' || p.type === 'IAMUser') && !p.session) return p;
  throw new AccessDenied(`Cannot call ${operation} with session credentials`);
}

/**
 * Checks SerialNumber + TokenCode against the caller's enabled MFA device. Returns whether MFA
 * was used; a wrong code is AccessDenied, as STS answers.
 */
export async function checkMfa(ctx: OperationContext, serial: string | undefined, code: string | undefined): Promise<boolean> {
  if (serial === undefined && code === undefined) return false;
  if (serial === undefined || code === undefined) throw new ValidationError('SerialNumber and TokenCode must be given together.');
  const p = ctx.principal;
  const user = p.type === 'IAMUser' ? p : undefined;
  if (!user || !(await verifyMfaCode(ctx.tx, ctx.app.box, user.accountId, user.userId, serial, code, ctx.now))) {
    throw new AccessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code. ');
  }
  return true;
}

export const tagRecord = (tags: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key!, t.Value ?? '']));

/** Long-term callers get shorter sessions as root (at most an hour). */
export function durationFor(p: Principal, requested: number | undefined, fallback: number): number {
  const seconds = requested ?? fallback;
  return p.type === 'Root' ? Math.min(seconds, 3600) : seconds;
}
