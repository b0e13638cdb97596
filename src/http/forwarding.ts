import { BlockList, isIPv6 } from 'node:net';

/**
 * Request fields a client could use to lie about where a request came from. They are removed
 * from every request and set again from what the proxy saw; a trusted proxy's chain is kept.
 */
export const FORWARDING_FIELDS: ReadonlySet<string> = new Set([
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-real-ip',
]);

/** The forwarding facts of one request, as received. */
export interface ForwardingInput {
  /** The TCP peer's address, as Node reports it. */
  readonly peerAddress: string | undefined;
  readonly protocol: 'http' | 'https';
  /** The request's Host field. */
  readonly host: string | undefined;
  readonly forwardedFor?: string;
  readonly forwardedProto?: string;
  readonly forwardedHost?: string;
  readonly forwarded?: string;
}

/** Answers whether an address belongs to a proxy in front of HARP whose fields are believed. */
export class TrustedProxies {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  /** @param entries IPv4/IPv6 addresses or CIDR blocks, e.g. `10.0.0.0/8`, `::1`. */
  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const [address, bits] = entry.split('/');
      const type = isIPv6(address) ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(bits), type);
    }
  }

  has(address: string): boolean {
    if (this.empty || !address) return false;
    return this.list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
  }
}

/** `::ffff:10.1.2.3` → `10.1.2.3`: IPv4 peers on a dual-stack socket. */
export function plainAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function forwardedNode(address: string): string {
  return isIPv6(address) ? `"[${address}]"` : address;
}

function forwardedValue(token: string): string {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(token) ? token : `"${token.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The forwarding fields to append to a request, plus the address the proxy takes to be the
 * client's. From an untrusted peer every client-supplied value is ignored; from a trusted one
 * its chain is extended and the client is the last address in it that is not a trusted proxy.
 */
export function forwardingFields(
  input: ForwardingInput,
  trusted: TrustedProxies,
): { fields: Array<[string, string]>; clientAddress: string } {
  const peer = plainAddress(input.peerAddress);
  const believe = trusted.has(peer);
  const priorChain = believe && input.forwardedFor ? input.forwardedFor : undefined;
  const chain = priorChain ? `${priorChain}, ${peer}` : peer;
  const proto = (believe && trustedProto(input.forwardedProto)) || input.protocol;
  const host = (believe && firstOf(input.forwardedHost)) || input.host;
  const element = [`for=${forwardedNode(peer)}`, host && `host=${forwardedValue(host)}`, `proto=${proto}`]
    .filter(Boolean)
    .join(';');
  const forwarded = believe && input.forwarded ? `${input.forwarded}, ${element}` : element;
  const fields: Array<[string, string]> = [['X-Forwarded-For', chain], ['X-Forwarded-Proto', proto]];
  if (host) fields.push(['X-Forwarded-Host', host]);
  fields.push(['Forwarded', forwarded]);
  const clientAddress = believe ? clientFromChain(chain, trusted) : peer;
  fields.push(['X-Real-IP', clientAddress]);
  return { fields, clientAddress };
}

/**
 * The address the proxy takes to be the client's, as {@link forwardingFields} reports it: the
 * peer, or from a trusted peer the last address of its `X-Forwarded-For` chain that is not a
 * trusted proxy. What visitor access rules and rate limits count.
 */
export function clientAddressOf(
  peerAddress: string | undefined,
  /** `X-Forwarded-For` as received: one field, or several (read as one list). */
  forwardedFor: string | readonly string[] | undefined,
  trusted: TrustedProxies,
): string {
  const peer = plainAddress(peerAddress);
  const chain = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor?.join(', ');
  if (!trusted.has(peer) || !chain) return peer;
  return clientFromChain(`${chain}, ${peer}`, trusted);
}

/** The scheme the client used: a trusted proxy's `X-Forwarded-Proto`, else the socket's. */
export function clientProtocol(
  peerAddress: string | undefined,
  socketProtocol: 'http' | 'https',
  forwardedProto: string | undefined,
  trusted: TrustedProxies,
): 'http' | 'https' {
  return (trusted.has(plainAddress(peerAddress)) && trustedProto(forwardedProto)) || socketProtocol;
}

// Each proxy of a chain may append its own value; the first is what the client used. Only the
// two schemes HARP knows are passed on: anything else would be a malformed Forwarded element.
function trustedProto(value: string | undefined): 'http' | 'https' | undefined {
  const first = firstOf(value)?.toLowerCase();
  return first === 'http' || first === 'https' ? first : undefined;
}

function firstOf(list: string | undefined): string | undefined {
  const comma = list?.indexOf(',') ?? -1;
  return (comma === -1 ? list : list!.slice(0, comma))?.trim() || undefined;
}

function clientFromChain(chain: string, trusted: TrustedProxies): string {
  const hops = chain.split(',').map((hop) => hop.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted.has(hops[i])) return hops[i];
  return hops[0];
}
