import { BlockList, isIP } from 'node:net';

/**
 * Whether `entry` is an IPv4 or IPv6 address or a CIDR block (`10.0.0.0/8`, `fd00::/8`): what
 * `allowIps` and `denyIps` accept, from the operator's file and from agents alike.
 */
export function isIpOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * A set of addresses and CIDR blocks, IPv4 and IPv6, on Node's `BlockList`. An IPv4 client on a
 * dual-stack socket (`::ffff:10.1.2.3`) is its IPv4 address; an address that is not an IP at all
 * (a garbled `X-Forwarded-For` hop) is in no list, so it passes no allow list.
 */
export class IpList {
  private readonly list = new BlockList();

  /** @throws {TypeError} on an entry {@link isIpOrCidr} refuses: lists are validated first. */
  constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      if (!isIpOrCidr(entry)) throw new TypeError(`not an IP address or CIDR block: ${entry}`);
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(bits), type);
    }
  }

  get size(): number {
    return this.entries.length;
  }

  has(address: string | undefined): boolean {
    if (!address) return false;
    const plain = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}
