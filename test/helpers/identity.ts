// Test helpers for identities: IAM and STS clients, users with keys and policies, MFA codes.
import assert from 'node:assert/strict';
import { IAMClient, CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, AttachUserPolicyCommand } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { clientConfig } from './server.ts';
import type { ClientOptions, TestServer } from './server.ts';
import { base32Decode, timeStep, totp } from '../../src/iam/totp.ts';

export type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const clients: { destroy(): void }[] = [];
export function iam(s: TestServer, opts: ClientOptions = {}): IAMClient {
  const c = new IAMClient(clientConfig(s.url, opts));
  clients.push(c);
  return c;
}
export function sts(s: TestServer, opts: ClientOptions = {}): STSClient {
  const c = new STSClient(clientConfig(s.url, opts));
  clients.push(c);
  return c;
}
export function destroyClients(): void {
  for (const c of clients.splice(0)) c.destroy();
}

/** A user with an access key, the given inline policy, managed policy ARNs and tags. */
export async function userWithKey(
  s: TestServer,
  name: string,
  policy?: object,
  opts: { managed?: string[]; tags?: Record<string, string>; creds?: Creds } = {},
): Promise<Creds> {
  const { managed = [], tags = {}, creds } = opts;
  const admin = iam(s, creds ? { credentials: creds } : {});
  await admin.send(new CreateUserCommand({ UserName: name, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
  if (policy) await admin.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(policy) }));
  for (const arn of managed) await admin.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
  const key = await admin.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
}

export const allow = (Action: string | string[], Resource: string | string[] = '*', extra: object = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource, ...extra }],
});

/** The current TOTP code of a base32 seed, and the next one (for EnableMFADevice). */
export function mfaCodes(base32: string, now = new Date()): [string, string] {
  const seed = base32Decode(base32);
  const step = timeStep(now);
  return [totp(seed, step - 1), totp(seed, step)];
}

export function currentCode(base32: string, offsetSteps = 0): string {
  return totp(base32Decode(base32), timeStep(new Date()) + offsetSteps);
}

export function asCreds(c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }): Creds {
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
}

/** Asserts that a call fails with the SDK error `name`, its message and, when given, its HTTP status. */
export async function rejectsWith(p: Promise<unknown>, name: string, message?: string | RegExp, status?: number): Promise<void> {
  await assert.rejects(p, (e: any) => {
    assert.equal(e.name, name);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    if (status !== undefined) assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}
