// Claimed domains, which Chime offers only in its console: AddDomain, GetDomain, ListDomains,
// VerifyDomain, DeleteDomain. They are served as rest-json operations of the chime service (for
// the web console, through the same audited pipeline) on routes of opentrail's own design:
//   POST   /accounts/{AccountId}/domains                                  AddDomain (201)
//   GET    /accounts/{AccountId}/domains                                  ListDomains
//   GET    /accounts/{AccountId}/domains/{DomainName}                     GetDomain
//   POST   /accounts/{AccountId}/domains/{DomainName}?operation=verify    VerifyDomain
//   DELETE /accounts/{AccountId}/domains/{DomainName}                     DeleteDomain (204)
// A domain is claimed by one Chime account in the world: a second claim fails with Chime's
// ConflictException. A claim starts PendingVerification with a TXT record to publish; opentrail
// cannot query DNS, so VerifyDomain is the administrator's word that the record is in place.
// The first verified domain turns a Team account into an EnterpriseLWA account, the way an
// Enterprise account comes to exist (CreateAccount makes only Team accounts).
import { randomBytes } from 'node:crypto';
import { label, list, required, string, structure, timestamp } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { ConflictException, NotFoundException } from './errors.ts';
import { chimeResources, COLLECTIONS, date, getAccount, iso, page, putAccount } from './model.ts';
import type { NoOutput } from './model.ts';
import { AccountIdLabel, maxResults, NextToken } from './shapes.ts';

export interface DomainDoc {
  AccountId: string;
  DomainName: string;
  Status: 'PendingVerification' | 'Verified';
  VerificationToken: string;
  CreatedTimestamp: string;
  VerifiedTimestamp?: string;
}

export interface Domain {
  DomainName?: string;
  AccountId?: string;
  Status?: DomainDoc['Status'];
  VerificationRecord?: { Type: 'TXT'; Name: string; Value: string };
  CreatedTimestamp?: Date;
  VerifiedTimestamp?: Date;
}
interface DomainRequest {
  AccountId?: string;
  DomainName?: string;
}

const HOSTNAME = /^(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
const DomainName = string({ pattern: HOSTNAME });
const DomainShape = structure({
  DomainName: string(),
  AccountId: string(),
  Status: string(),
  VerificationRecord: structure({ Type: string(), Name: string(), Value: string() }),
  CreatedTimestamp: timestamp(),
  VerifiedTimestamp: timestamp(),
});

const domainKey = (accountId: string, name: string) => ({ collection: COLLECTIONS.DOMAINS, partition: accountId, id: name.toLowerCase() });
const resources = (i: DomainRequest) => chimeResources(['Account', i.AccountId], ['Domain', i.DomainName?.toLowerCase()]);

function domainView(d: DomainDoc): Domain {
  return {
    DomainName: d.DomainName,
    AccountId: d.AccountId,
    Status: d.Status,
    VerificationRecord: { Type: 'TXT', Name: `_amazonchime.${d.DomainName}`, Value: d.VerificationToken },
    CreatedTimestamp: date(d.CreatedTimestamp),
    VerifiedTimestamp: date(d.VerifiedTimestamp),
  };
}

async function getDomain(ctx: OperationContext, accountId: string, name: string): Promise<DomainDoc> {
  await getAccount(ctx, accountId);
  const doc = await ctx.tx.docs.get<DomainDoc>(domainKey(accountId, name));
  if (!doc) throw new NotFoundException(`The domain ${name} is not claimed by account ${accountId}.`);
  return doc;
}

/** The verified domains of an account (bots take their email addresses from them). */
export async function verifiedDomains(ctx: OperationContext, accountId: string): Promise<string[]> {
  const { items } = await page<DomainDoc>(ctx, COLLECTIONS.DOMAINS, accountId, { defaultMax: 1000, query: {}, keep: (d) => d.Status === 'Verified' });
  return items.map((d) => d.DomainName);
}

const labels = { AccountId: AccountIdLabel, DomainName: label(DomainName) };

export const AddDomain = defineOperation<DomainRequest, { Domain?: Domain }>({
  name: 'AddDomain',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/domains', status: 201 },
  input: structure({ AccountId: AccountIdLabel, DomainName: required(DomainName) }),
  output: structure({ Domain: DomainShape }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    const name = input.DomainName!.toLowerCase();
    // One claim per domain across every Chime account of every AWS account.
    if ((await ctx.tx.docs.findByIndex(COLLECTIONS.DOMAINS, name)).length > 0) throw new ConflictException();
    const doc: DomainDoc = {
      AccountId: account.AccountId,
      DomainName: name,
      Status: 'PendingVerification',
      VerificationToken: randomBytes(24).toString('base64url'),
      CreatedTimestamp: iso(ctx.now),
    };
    await ctx.tx.docs.put(domainKey(account.AccountId, name), doc, name);
    return { Domain: domainView(doc) };
  },
  lookupResources: resources,
});

export const GetDomain = defineOperation<DomainRequest, { Domain?: Domain }>({
  name: 'GetDomain',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/domains/{DomainName}', status: 200 },
  input: structure(labels),
  output: structure({ Domain: DomainShape }),
  async handler(ctx, input) {
    return { Domain: domainView(await getDomain(ctx, input.AccountId!, input.DomainName!)) };
  },
  lookupResources: resources,
});

export const ListDomains = defineOperation<DomainRequest & { MaxResults?: number; NextToken?: string }, { Domains?: Domain[]; NextToken?: string }>({
  name: 'ListDomains',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/domains', status: 200 },
  input: structure({ AccountId: AccountIdLabel, MaxResults: maxResults(99), NextToken }),
  output: structure({ Domains: list(DomainShape), NextToken: string() }),
  async handler(ctx, input) {
    await getAccount(ctx, input.AccountId!);
    const { items, nextToken } = await page<DomainDoc>(ctx, COLLECTIONS.DOMAINS, input.AccountId!, {
      nextToken: input.NextToken,
      maxResults: input.MaxResults,
      defaultMax: 99,
      query: { AccountId: input.AccountId },
    });
    return { Domains: items.map(domainView), ...(nextToken ? { NextToken: nextToken } : {}) };
  },
  lookupResources: resources,
});

export const VerifyDomain = defineOperation<DomainRequest, { Domain?: Domain }>({
  name: 'VerifyDomain',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/domains/{DomainName}?operation=verify', status: 200 },
  input: structure(labels),
  output: structure({ Domain: DomainShape }),
  async handler(ctx, input) {
    const doc = await getDomain(ctx, input.AccountId!, input.DomainName!);
    if (doc.Status !== 'Verified') {
      doc.Status = 'Verified';
      doc.VerifiedTimestamp = iso(ctx.now);
      await ctx.tx.docs.put(domainKey(doc.AccountId, doc.DomainName), doc, doc.DomainName);
      const account = await getAccount(ctx, doc.AccountId);
      if (account.AccountType === 'Team') {
        account.AccountType = 'EnterpriseLWA';
        await putAccount(ctx.tx, account);
      }
    }
    return { Domain: domainView(doc) };
  },
  lookupResources: resources,
});

export const DeleteDomain = defineOperation<DomainRequest, NoOutput>({
  name: 'DeleteDomain',
  readOnly: false,
  http: { method: 'DELETE', uri: '/accounts/{AccountId}/domains/{DomainName}', status: 204 },
  input: structure(labels),
  // The account stays Enterprise: its users and rooms do not go back to being a Team account.
  async handler(ctx, input) {
    const doc = await getDomain(ctx, input.AccountId!, input.DomainName!);
    await ctx.tx.docs.delete(domainKey(doc.AccountId, doc.DomainName));
    return {};
  },
  lookupResources: resources,
});
