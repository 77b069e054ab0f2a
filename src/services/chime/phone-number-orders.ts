// Acquiring phone numbers without telephony: SearchAvailablePhoneNumbers,
// ListSupportedPhoneNumberCountries, CreatePhoneNumberOrder, GetPhoneNumberOrder,
// ListPhoneNumberOrders. Orders complete at once against the deterministic pool (phone-pool.ts):
// each number is Acquired, or Failed when it is not in the pool or someone already holds it.
import type {
  CreatePhoneNumberOrderRequest,
  CreatePhoneNumberOrderResponse,
  GetPhoneNumberOrderRequest,
  GetPhoneNumberOrderResponse,
  ListPhoneNumberOrdersRequest,
  ListPhoneNumberOrdersResponse,
  ListSupportedPhoneNumberCountriesRequest,
  ListSupportedPhoneNumberCountriesResponse,
  OrderedPhoneNumber,
  PhoneNumberOrder as PhoneNumberOrderType,
  SearchAvailablePhoneNumbersRequest,
  SearchAvailablePhoneNumbersResponse,
} from '@aws-sdk/client-chime';
import { integer, label, list, query, required, string, structure, timestamp } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { BadRequestException, NotFoundException, ResourceLimitExceededException } from './errors.ts';
import { chimeResources, COLLECTIONS, date, iso, LIMITS, newId, page, tokens } from './model.ts';
import { activeNumbers } from './phone-numbers.ts';
import { normalizeE164, purged, putPhoneNumber } from './phone-inventory.ts';
import type { PhoneNumberDoc } from './phone-inventory.ts';
import { candidates, COUNTRIES, poolNumber } from './phone-pool.ts';
import { E164, Guid, maxResults, NextToken, ProductType } from './shapes.ts';

interface OrderDoc {
  PhoneNumberOrderId: string;
  ProductType: NonNullable<PhoneNumberOrderType['ProductType']>;
  Status: 'Successful' | 'Partial' | 'Failed';
  OrderedPhoneNumbers: { E164PhoneNumber: string; Status: 'Acquired' | 'Failed' }[];
  CreatedTimestamp: string;
  UpdatedTimestamp: string;
}

const PhoneNumberOrder = structure({
  PhoneNumberOrderId: string(),
  ProductType: string(),
  Status: string(),
  OrderedPhoneNumbers: list(structure({ E164PhoneNumber: string({ sensitive: true }), Status: string() })),
  CreatedTimestamp: timestamp(),
  UpdatedTimestamp: timestamp(),
});

const orderView = (o: OrderDoc): PhoneNumberOrderType => ({ ...o, CreatedTimestamp: date(o.CreatedTimestamp), UpdatedTimestamp: date(o.UpdatedTimestamp) });
const orderKey = (ctx: OperationContext, id: string) => ({ collection: COLLECTIONS.PHONE_ORDERS, partition: ctx.accountId, id });
const orderResource = (id: string | undefined) => chimeResources(['PhoneNumberOrder', id]);

/** Whether anybody holds a number; a holder whose number has left the deletion queue lets it go. */
async function taken(ctx: OperationContext, e164: string): Promise<boolean> {
  const holders = await ctx.tx.docs.findByIndex<PhoneNumberDoc>(COLLECTIONS.PHONE_NUMBERS, e164);
  return holders.some((d) => !purged(d, ctx.now));
}

export const SearchAvailablePhoneNumbers = defineOperation<SearchAvailablePhoneNumbersRequest, SearchAvailablePhoneNumbersResponse>({
  name: 'SearchAvailablePhoneNumbers',
  readOnly: true,
  http: { method: 'GET', uri: '/search?type=phone-numbers', status: 200 },
  input: structure({
    AreaCode: query('area-code', string()),
    City: query('city', string()),
    Country: query('country', string({ pattern: /[A-Z]{2}/ })),
    State: query('state', string()),
    TollFreePrefix: query('toll-free-prefix', string({ min: 3, max: 3, pattern: /^8(00|33|44|55|66|77|88)$/ })),
    PhoneNumberType: query('phone-number-type', string({ enum: ['Local', 'TollFree'] })),
    MaxResults: query('max-results', integer({ min: 1, max: 500 })),
    NextToken,
  }),
  output: structure({ E164PhoneNumbers: list(E164), NextToken: string() }),
  async handler(ctx, input) {
    const { NextToken: token, MaxResults, ...filters } = input;
    const all = candidates(filters);
    let at = 0;
    if (token !== undefined) {
      const pos = tokens(ctx).decode<number>(token, filters);
      if (typeof pos !== 'number') throw new BadRequestException('The next token is not valid for this request.');
      at = pos;
    }
    const limit = MaxResults ?? 100;
    const found: string[] = [];
    // Positions are in the pool's fixed order, so numbers taken meanwhile never shift a page.
    for (; at < all.length && found.length < limit; at++) if (!(await taken(ctx, all[at]))) found.push(all[at]);
    return { E164PhoneNumbers: found, ...(at < all.length ? { NextToken: tokens(ctx).encode(at, filters) } : {}) };
  },
});

export const ListSupportedPhoneNumberCountries = defineOperation<ListSupportedPhoneNumberCountriesRequest, ListSupportedPhoneNumberCountriesResponse>({
  name: 'ListSupportedPhoneNumberCountries',
  readOnly: true,
  http: { method: 'GET', uri: '/phone-number-countries', status: 200 },
  input: structure({ ProductType: { ...query('product-type', ProductType), required: true } }),
  output: structure({ PhoneNumberCountries: list(structure({ CountryCode: string(), SupportedPhoneNumberTypes: list(string()) })) }),
  async handler() {
    // The pool offers toll-free numbers in the US only.
    return { PhoneNumberCountries: COUNTRIES.map((c) => ({ CountryCode: c, SupportedPhoneNumberTypes: c === 'US' ? ['Local', 'TollFree'] : ['Local'] })) };
  },
});

export const CreatePhoneNumberOrder = defineOperation<CreatePhoneNumberOrderRequest, CreatePhoneNumberOrderResponse>({
  name: 'CreatePhoneNumberOrder',
  readOnly: false,
  http: { method: 'POST', uri: '/phone-number-orders', status: 201 },
  input: structure({ ProductType: required(ProductType), E164PhoneNumbers: required(list(E164)) }),
  output: structure({ PhoneNumberOrder }),
  async handler(ctx, input) {
    const wanted = input.E164PhoneNumbers!.map(normalizeE164);
    if (wanted.length === 0) throw new BadRequestException('An order needs at least one phone number.');
    const room = LIMITS.phoneNumbersPerAwsAccount - (await activeNumbers(ctx));
    if (new Set(wanted).size > room) {
      throw new ResourceLimitExceededException(`This order would take the inventory over ${LIMITS.phoneNumbersPerAwsAccount} phone numbers (room for ${Math.max(room, 0)} more).`);
    }
    const now = iso(ctx.now);
    const ordered: OrderedPhoneNumber[] = [];
    const acquired = new Set<string>();
    for (const e164 of wanted) {
      const pool = poolNumber(e164);
      if (!pool || acquired.has(e164) || (await taken(ctx, e164))) {
        ordered.push({ E164PhoneNumber: e164, Status: 'Failed' });
        continue;
      }
      // A former holder's purged document would otherwise keep claiming the number.
      for (const old of await ctx.tx.docs.findByIndex<PhoneNumberDoc>(COLLECTIONS.PHONE_NUMBERS, e164)) {
        await ctx.tx.docs.delete({ collection: COLLECTIONS.PHONE_NUMBERS, partition: old.AwsAccountId, id: old.PhoneNumberId });
      }
      acquired.add(e164);
      await putPhoneNumber(ctx, {
        AwsAccountId: ctx.accountId,
        PhoneNumberId: e164,
        E164PhoneNumber: e164,
        Country: pool.country,
        Type: pool.type,
        ProductType: input.ProductType!,
        Status: 'Unassigned',
        Associations: [],
        CallingNameStatus: 'Unassigned',
        CreatedTimestamp: now,
        UpdatedTimestamp: now,
      });
      ordered.push({ E164PhoneNumber: e164, Status: 'Acquired' });
    }
    const order: OrderDoc = {
      PhoneNumberOrderId: newId(),
      ProductType: input.ProductType!,
      Status: acquired.size === ordered.length ? 'Successful' : acquired.size === 0 ? 'Failed' : 'Partial',
      OrderedPhoneNumbers: ordered as OrderDoc['OrderedPhoneNumbers'],
      CreatedTimestamp: now,
      UpdatedTimestamp: now,
    };
    await ctx.tx.docs.put(orderKey(ctx, order.PhoneNumberOrderId), order);
    return { PhoneNumberOrder: orderView(order) };
  },
  lookupResources: (_input, output) => orderResource(output?.PhoneNumberOrder?.PhoneNumberOrderId),
});

export const GetPhoneNumberOrder = defineOperation<GetPhoneNumberOrderRequest, GetPhoneNumberOrderResponse>({
  name: 'GetPhoneNumberOrder',
  readOnly: true,
  http: { method: 'GET', uri: '/phone-number-orders/{PhoneNumberOrderId}', status: 200 },
  input: structure({ PhoneNumberOrderId: label(Guid) }),
  output: structure({ PhoneNumberOrder }),
  async handler(ctx, input) {
    const order = await ctx.tx.docs.get<OrderDoc>(orderKey(ctx, input.PhoneNumberOrderId!));
    if (!order) throw new NotFoundException(`The requested phone number order ${input.PhoneNumberOrderId} does not exist.`);
    return { PhoneNumberOrder: orderView(order) };
  },
  lookupResources: (input) => orderResource(input.PhoneNumberOrderId),
});

export const ListPhoneNumberOrders = defineOperation<ListPhoneNumberOrdersRequest, ListPhoneNumberOrdersResponse>({
  name: 'ListPhoneNumberOrders',
  readOnly: true,
  http: { method: 'GET', uri: '/phone-number-orders', status: 200 },
  input: structure({ NextToken, MaxResults: maxResults(99) }),
  output: structure({ PhoneNumberOrders: list(PhoneNumberOrder), NextToken: string() }),
  async handler(ctx, input) {
    const { items, nextToken } = await page<OrderDoc>(ctx, COLLECTIONS.PHONE_ORDERS, ctx.accountId, {
      nextToken: input.NextToken,
      maxResults: input.MaxResults,
      defaultMax: 99,
      query: {},
    });
    return { PhoneNumberOrders: items.map(orderView), ...(nextToken ? { NextToken: nextToken } : {}) };
  },
});
