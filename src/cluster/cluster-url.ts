import { isIPv6 } from 'node:net';
import { hostname } from 'node:os';

/** Addresses that bind every interface: another node cannot dial them. */
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * Where other nodes reach this one: the configured `clusterUrl`, else `http://` + the
 * listener's host (the machine's hostname for a wildcard address) + the port it bound.
 */
export function clusterUrlOf(configured: string | undefined, host: string, port: number, machine = hostname()): string {
  if (configured !== undefined) return configured;
  const name = WILDCARDS.has(host) ? machine : host;
  return `http://${isIPv6(name) ? `[${name}]` : name}:${port}`;
}
