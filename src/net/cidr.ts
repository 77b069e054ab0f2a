// CIDR blocks (`10.0.0.0/8`, `fd00::/8`, or a single address) as Node's BlockList takes them:
// read once here for IAM's IpAddress conditions and SNS's endpoint networks.
import { isIP } from 'node:net';
import type { BlockList } from 'node:net';

export type Family = 'ipv4' | 'ipv6';

/** An address's family for BlockList; undefined when it is no address. */
export function familyOf(address: string): Family | undefined {
  const family = isIP(address);
  return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : undefined;
}

/** Adds a block to `list`; the block's family, or undefined (nothing added) when it is not a block. */
export function addCidr(list: BlockList, cidr: string): Family | undefined {
  const [address, bits, ...rest] = cidr.split('/');
  const family = familyOf(address);
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!family || rest.length || !/^\d{1,3}$/.test(bits ?? '0') || prefix > max) return undefined;
  list.addSubnet(address, prefix, family);
  return family;
}
