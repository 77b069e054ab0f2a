// The numbers opentrail can "acquire" without real telephony: a deterministic pool per country and
// area code. Each NANP area code (and each toll-free prefix) offers the 100 numbers
// +1 <area> 555-0100 … 555-0199, the range reserved for fictional use, so no real line is ever named.
import { BadRequestException } from './errors.ts';

export interface AreaCode {
  code: string;
  country: 'US' | 'CA';
  state: string;
  city: string;
}

/** Area codes that searches by country, state or city offer (any valid US area code can be asked for). */
export const AREA_CODES: readonly AreaCode[] = [
  { code: '206', country: 'US', state: 'WA', city: 'Seattle' },
  { code: '212', country: 'US', state: 'NY', city: 'New York' },
  { code: '312', country: 'US', state: 'IL', city: 'Chicago' },
  { code: '415', country: 'US', state: 'CA', city: 'San Francisco' },
  { code: '512', country: 'US', state: 'TX', city: 'Austin' },
  { code: '617', country: 'US', state: 'MA', city: 'Boston' },
  { code: '416', country: 'CA', state: 'ON', city: 'Toronto' },
  { code: '514', country: 'CA', state: 'QC', city: 'Montreal' },
  { code: '604', country: 'CA', state: 'BC', city: 'Vancouver' },
];
export const TOLL_FREE_PREFIXES = ['800', '833', '844', '855', '866', '877', '888'] as const;
export const COUNTRIES = ['US', 'CA'] as const;
const NUMBERS_PER_AREA = 100;

export interface PoolNumber {
  e164: string;
  country: string;
  type: 'Local' | 'TollFree';
}

const line = (i: number) => `555${String(100 + i).padStart(4, '0')}`;

/** What a pool number is, or undefined when the number is not one opentrail can hand out. */
export function poolNumber(e164: string): PoolNumber | undefined {
  const m = /^\+1([2-9]\d\d)55501\d\d$/.exec(e164);
  if (!m) return undefined;
  const area = m[1];
  if ((TOLL_FREE_PREFIXES as readonly string[]).includes(area)) return { e164, country: 'US', type: 'TollFree' };
  return { e164, country: AREA_CODES.find((a) => a.code === area)?.country ?? 'US', type: 'Local' };
}

export interface PoolQuery {
  AreaCode?: string;
  City?: string;
  Country?: string;
  State?: string;
  TollFreePrefix?: string;
  PhoneNumberType?: string;
}

/** Every pool number matching a search, in a stable order (the order pagination walks). */
export function candidates(q: PoolQuery): string[] {
  const country = q.Country ?? 'US';
  if (!(COUNTRIES as readonly string[]).includes(country)) {
    throw new BadRequestException(`Phone numbers are not available in country ${country}. Supported countries: ${COUNTRIES.join(', ')}.`);
  }
  const tollFree = q.PhoneNumberType === 'TollFree' || (q.PhoneNumberType === undefined && q.TollFreePrefix !== undefined);
  let areas: string[];
  if (tollFree) {
    if (q.AreaCode !== undefined || q.City !== undefined || q.State !== undefined) {
      throw new BadRequestException('AreaCode, City and State cannot be combined with toll-free numbers.');
    }
    if (country !== 'US') throw new BadRequestException(`Toll-free numbers are available only in US, not in ${country}.`);
    areas = q.TollFreePrefix ? [q.TollFreePrefix] : [...TOLL_FREE_PREFIXES];
  } else {
    if (q.TollFreePrefix !== undefined) throw new BadRequestException('TollFreePrefix can be used only for toll-free numbers.');
    if (q.AreaCode !== undefined) {
      if (!/^[2-9]\d\d$/.test(q.AreaCode) || (TOLL_FREE_PREFIXES as readonly string[]).includes(q.AreaCode)) {
        throw new BadRequestException(`${q.AreaCode} is not a valid area code.`);
      }
      const known = AREA_CODES.find((a) => a.code === q.AreaCode);
      areas = (known?.country ?? 'US') === country ? [q.AreaCode] : [];
    } else {
      const eq = (a: string, b: string | undefined) => b === undefined || a.toLowerCase() === b.toLowerCase();
      areas = AREA_CODES.filter((a) => a.country === country && eq(a.state, q.State) && eq(a.city, q.City)).map((a) => a.code);
    }
  }
  return areas.flatMap((area) => Array.from({ length: NUMBERS_PER_AREA }, (_, i) => `+1${area}${line(i)}`));
}
