import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

/**
 * How the agent finds the addresses behind a proxy's host name: every one of them, as
 * `dns.promises.lookup(hostname, { all: true })` answers.
 */
export type Lookup = (hostname: string) => Promise<readonly LookupAddress[]>;

/** The key of the connection that dials the server by name (not pinned to an address). */
export const BY_NAME = '';

/**
 * The host name to resolve in a connect URL, or undefined when it is an IP literal (nothing to
 * resolve: one connection, as given).
 */
export function resolvableHost(url: string): string | undefined {
  const { hostname } = new URL(url);
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? bare : undefined;
}

/**
 * Which connections a server's lookup asks for, each named by the address it is pinned to, or
 * {@link BY_NAME}. Several addresses of one family (the family of the first answer, the one a
 * single connection would use: a name with one IPv4 and one IPv6 address is one host, not
 * two) are one connection each, since each may be a node of a cluster. One address is one
 * connection by name, as without resolving: it follows the name when the name moves. A failed
 * lookup (`answers` undefined) keeps what is there, or dials by name when nothing is.
 */
export function connectionTargets(answers: readonly LookupAddress[] | undefined, current: readonly string[]): string[] {
  if (answers === undefined) return current.length > 0 ? [...current] : [BY_NAME];
  const family = answers[0]?.family;
  const addresses = [...new Set(answers.filter((a) => a.family === family).map((a) => a.address))];
  return addresses.length >= 2 ? addresses : [BY_NAME];
}

/** What to open and what to close to go from `current` to `wanted`. */
export function targetChanges(current: readonly string[], wanted: readonly string[]): { open: string[]; close: string[] } {
  return { open: wanted.filter((t) => !current.includes(t)), close: current.filter((t) => !wanted.includes(t)) };
}

/**
 * A `net.connect` lookup that always answers `address`: the connection dials it, while the URL
 * keeps the name, so the Host header, the TLS server name and the certificate check stay
 * those of the name.
 */
export function pinnedLookup(address: string): PinnedLookup {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/** A `net.connect` lookup that asks `lookup` on every connect and takes its first answer. */
export function netLookup(lookup: Lookup): PinnedLookup {
  return (hostname, options, callback) => {
    lookup(hostname).then(
      (answers) => {
        const first = answers[0];
        if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) callback(null, [...answers]);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/** The shape of `net.connect`'s `lookup` option (both of its answer forms). */
export type PinnedLookup = (
  hostname: string,
  options: { all?: boolean },
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;
