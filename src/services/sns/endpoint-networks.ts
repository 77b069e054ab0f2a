// The addresses SNS may deliver to (OPENTRAIL_SNS_ENDPOINT_NETWORKS). A principal allowed to
// subscribe chooses where the server sends HTTP requests: left open, it could make the server
// reach cloud metadata services and internal APIs and read their answers' status codes.
// SNS itself delivers only to public endpoints, so that is the default; a self-hosted install
// adds the networks of its own webhooks. The address a connection is about to use is checked
// (after DNS), so a name that resolves elsewhere later gains nothing.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { addCidr, familyOf } from '../../net/cidr.ts';

/** Special-purpose ranges (RFC 6890 and the IANA registries): not public, whatever routes to them. */
const SPECIAL = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3',
  '::/96',
  // IPv6 forms that carry an IPv4 address (NAT64, 6to4, Teredo) could reach a private one.
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

const special = new BlockList();
for (const cidr of SPECIAL) addCidr(special, cidr);

export class EndpointNetworks {
  private constructor(
    /** The setting as given, for messages. */
    readonly setting: string,
    private readonly publicAllowed: boolean,
    private readonly listed: BlockList,
  ) {}

  /** `public` and CIDR blocks (or single addresses), comma-separated; undefined when an entry is neither. */
  static parse(setting: string): EndpointNetworks | undefined {
    const listed = new BlockList();
    let publicAllowed = false;
    for (const entry of setting.split(',').map((e) => e.trim())) {
      if (entry === 'public') publicAllowed = true;
      else if (!addCidr(listed, entry)) return undefined;
    }
    return new EndpointNetworks(setting, publicAllowed, listed);
  }

  allows(address: string): boolean {
    const family = familyOf(address) ?? 'ipv6';
    return this.listed.check(address, family) || (this.publicAllowed && !special.check(address, family));
  }

  private refusal(address: string): string {
    return `${address} is not in the networks SNS may deliver to (OPENTRAIL_SNS_ENDPOINT_NETWORKS=${this.setting})`;
  }

  /**
   * Why an endpoint whose host is an address (IPv6 without its brackets) may not be sent to;
   * undefined when it may, or when its host is a name: Node connects to an address without a
   * lookup, so this is the check that `lookup` cannot make.
   */
  refusalOf(url: URL): string | undefined {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return isIP(host) && !this.allows(host) ? this.refusal(host) : undefined;
  }

  /**
   * dns.lookup for http.request: a name resolves to its allowed addresses only, and to an error
   * when it has none. (Node asks for every address, to try them in turn, or for one.)
   */
  readonly lookup = (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (...args: unknown[]) => void): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err);
      const allowed = addresses.filter((a) => this.allows(a.address));
      if (allowed.length === 0) return callback(new Error(`${hostname}: ${this.refusal(addresses.map((a) => a.address).join(', '))}`));
      if (options.all) callback(null, allowed);
      else callback(null, allowed[0].address, allowed[0].family);
    });
  };
}
