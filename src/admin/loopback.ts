import { isIPv4, isIPv6 } from 'node:net';

/**
 * Whether a socket's remote address is a loopback address: `127.0.0.0/8`, `::1`, or an
 * IPv4-mapped loopback (`::ffff:127.x.y.z`, how a dual-stack listener reports IPv4 clients).
 * Anything else, including an unknown (`undefined`) address, is not loopback.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined || address === '') return false;
  const lower = address.toLowerCase();
  if (isIPv4(lower)) return lower.startsWith('127.');
  if (!isIPv6(lower)) return false;
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  // IPv4-mapped IPv6 (RFC 4291 §2.5.5.2): `::ffff:a.b.c.d`, possibly written out in full.
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped !== null && isIPv4(mapped[1]!) && mapped[1]!.startsWith('127.');
}
