/**
 * Which labels an agent may claim under the proxy's public domain (docs/configuration.md,
 * "Subdomains"). One DNS label (RFC 1035 §2.3.1 as RFC 1123 §2.1 relaxed it): lower-case
 * letters, digits and hyphens, 1…63 characters, no hyphen at either end. Names that usually
 * mean the operator's own services are reserved.
 */

/** Labels no agent may claim: the operator's own hosts, and the word that asks for a generated name. */
export const RESERVED_SUBDOMAINS: ReadonlySet<string> = new Set([
  'www',
  'api',
  'admin',
  'harp',
  'mail',
  'smtp',
  'imap',
  'mx',
  'ns',
  'ns1',
  'ns2',
  'dns',
  'localhost',
  'status',
  'dashboard',
  'autoconfig',
  'autodiscover',
  'random',
]);

/** The word in `subdomain` that asks the proxy for a generated name. */
export const RANDOM_SUBDOMAIN = 'random';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why `name` cannot be claimed, or undefined when it can: `subdomain_invalid` or `subdomain_reserved`. */
export function subdomainProblem(name: string): { code: 'subdomain_invalid' | 'subdomain_reserved'; reason: string } | undefined {
  if (!LABEL.test(name)) {
    return { code: 'subdomain_invalid', reason: `"${name}" is not a DNS label: 1 to 63 of a-z, 0-9 and -, no - at either end` };
  }
  if (RESERVED_SUBDOMAINS.has(name)) return { code: 'subdomain_reserved', reason: `"${name}" is reserved` };
  return undefined;
}

/** The host of subdomain `name` under `domain`. */
export const subdomainHost = (name: string, domain: string): string => `${name}.${domain}`;

/**
 * The label of `host` when it is exactly one label under `domain` (`demo.tunnel.example.com`
 * under `tunnel.example.com`), else undefined. Such hosts are subdomains however they are asked
 * for, so that no key takes another's name by asking for its host.
 */
export function subdomainOf(host: string, domain: string): string | undefined {
  const lower = host.toLowerCase();
  const suffix = `.${domain}`;
  if (!lower.endsWith(suffix)) return undefined;
  const label = lower.slice(0, -suffix.length);
  return label === '' || label.includes('.') || label === '*' ? undefined : label;
}
