// Chime test helpers: the console's domain routes (signed like the console signs them) and an
// Enterprise account made the documented way (a Team account that verifies a claimed domain).
import assert from 'node:assert/strict';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import type { ChimeClient } from '@aws-sdk/client-chime';
import { signedRequest } from './signing.ts';
import type { RawResult } from './signing.ts';

type Creds = { accessKeyId: string; secretAccessKey: string };

/** A signed call to one of the domain routes (they are not in the SDK's model). */
export function domainCall(url: string, method: string, path: string, body?: object, credentials?: Creds): Promise<RawResult> {
  const [p, qs] = path.split('?');
  return signedRequest(url, {
    method,
    path: p,
    query: qs ? Object.fromEntries(new URLSearchParams(qs)) : {},
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    credentials,
  });
}

/** Claims and verifies a domain for an account, which makes a Team account EnterpriseLWA. */
export async function verifyDomain(url: string, accountId: string, domain: string): Promise<void> {
  const added = await domainCall(url, 'POST', `/accounts/${accountId}/domains`, { DomainName: domain });
  assert.equal(added.status, 201, added.text);
  const verified = await domainCall(url, 'POST', `/accounts/${accountId}/domains/${domain}?operation=verify`);
  assert.equal(verified.status, 200, verified.text);
}

let counter = 0;
/** A fresh EnterpriseLWA account with a verified domain; returns its id and domain. */
export async function enterpriseAccount(url: string, chime: ChimeClient, prefix = 'ent'): Promise<{ accountId: string; domain: string }> {
  const n = ++counter;
  const { Account } = await chime.send(new CreateAccountCommand({ Name: `${prefix}-${n}-${process.pid}` }));
  const domain = `${prefix}${n}-${process.pid}.example.com`;
  await verifyDomain(url, Account!.AccountId!, domain);
  return { accountId: Account!.AccountId!, domain };
}

/** Asserts an SDK call fails with a Chime error of this name, status and message. */
export async function rejectsWith(p: Promise<unknown>, name: string, message?: string | RegExp, status?: number): Promise<any> {
  try {
    await p;
  } catch (err: any) {
    assert.equal(err.name, name, `${err.name}: ${err.message}`);
    if (message instanceof RegExp) assert.match(err.message, message);
    else if (message !== undefined) assert.equal(err.message, message);
    if (status !== undefined) assert.equal(err.$metadata?.httpStatusCode, status);
    return err;
  }
  assert.fail(`expected ${name}`);
}
