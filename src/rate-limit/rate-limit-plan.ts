import { isIPv6 } from 'node:net';
import type { RateLimitRule } from '../config/key-rule.js';
import { compileRulePattern, HOST_PATTERN_FLAGS, PATH_PATTERN_FLAGS } from '../config/rule-pattern.js';
import { parseRate, type Rate } from '../protocol/rate-limit.js';
import { pathForms } from '../http/path-forms.js';

/**
 * Which limits a request is counted against, decided from its host, path, client address and
 * the limit its route's agents asked for: pure, so that it is tested as a table. The buckets
 * themselves (memory or Redis) are `buckets.ts`'s.
 */

/** Who shares one bucket of a limit: each client address, or every request it covers. */
export type LimitScope = 'ip' | 'route';

/** One limit as the client is told of it (`RateLimit-Policy`) and metrics count it. */
export interface Policy {
  /** The policy's name in the fields and the `rule` label: `default`, a rule's id, `route`. */
  readonly name: string;
  readonly scope: LimitScope;
  readonly rate: Rate;
}

/** One bucket a request takes a token from. */
export interface Charge {
  readonly policy: Policy;
  /** The bucket's key, unique across policies (it is part of a Redis key). */
  readonly key: string;
}

/** The request as the plan sees it. */
export interface LimitedRequest {
  /** Lower-cased, without port ('' when the request had none). */
  readonly host: string;
  /** The path without the query. */
  readonly path: string;
  /** The client's address under the trusted-proxies rule. */
  readonly client: string;
  /** The route the request would be routed to here, with the limit its agents asked for. */
  readonly route?: { readonly host: string; readonly path: string; readonly rateLimit?: Rate };
}

/** Name of the policy of `rateLimit` (`HARP_RATE_LIMIT`). */
export const DEFAULT_POLICY = 'default';
/** Name of the policy of a limit a route's agents asked for. */
export const ROUTE_POLICY = 'route';

interface CompiledRule {
  readonly policy: Policy;
  readonly hosts: readonly RegExp[];
  readonly paths: readonly RegExp[];
}

/** What the configuration says about rate limits, compiled once. */
export class RateLimitPlan {
  private readonly perClient: Policy | undefined;
  private readonly rules: readonly CompiledRule[];

  constructor(config: { readonly rateLimit?: string; readonly rateLimits: readonly RateLimitRule[] }) {
    const global = config.rateLimit === undefined ? undefined : parseRate(config.rateLimit);
    this.perClient = global && { name: DEFAULT_POLICY, scope: 'ip', rate: global };
    this.rules = config.rateLimits.map((rule, index) => ({
      policy: { name: rule.id ?? `rateLimits.${index}`, scope: rule.per, rate: parseRate(rule.limit)! },
      hosts: rule.hosts.map((source) => compileRulePattern(source, HOST_PATTERN_FLAGS)),
      paths: rule.paths.map((source) => compileRulePattern(source, PATH_PATTERN_FLAGS)),
    }));
  }

  /** Whether the configuration limits anything (a route's agents may still ask for a limit). */
  get configured(): boolean {
    return this.perClient !== undefined || this.rules.length > 0;
  }

  /** The buckets `request` takes a token from, in the order its fields would name them. */
  charges(request: LimitedRequest): Charge[] {
    const charges: Charge[] = [];
    const client = clientBucket(request.client);
    let forms: string[] | undefined;
    if (this.perClient) charges.push({ policy: this.perClient, key: `ip:${rateKey(this.perClient.rate)}:${client}` });
    for (const { policy, hosts, paths } of this.rules) {
      if (!hosts.some((host) => host.test(request.host))) continue;
      // Every form a backend may read the path as (as access rules do), so `//login` is `/login`.
      forms ??= pathForms(request.path);
      if (!paths.some((path) => forms!.some((form) => path.test(form)))) continue;
      const subject = policy.scope === 'ip' ? client : '*';
      charges.push({ policy, key: `rule:${policy.name}:${rateKey(policy.rate)}:${subject}` });
    }
    charges.push(...this.routeCharges(request.route));
    return charges;
  }

  /** The bucket of the limit a route's agents asked for, if they did: one for the whole route. */
  routeCharges(route: LimitedRequest['route']): Charge[] {
    if (!route?.rateLimit) return [];
    const policy: Policy = { name: ROUTE_POLICY, scope: 'route', rate: route.rateLimit };
    return [{ policy, key: `route:${rateKey(route.rateLimit)}:${route.host}${route.path}` }];
  }
}

// The rate is part of the key: a bucket of another size or window is another bucket, never an
// old one read with new numbers (a window's expiry is set when its bucket is made).
function rateKey(rate: Rate): string {
  return `${rate.limit}/${rate.windowSeconds}s`;
}

/**
 * The bucket of a client address. An IPv6 client counts by its /64: one host usually holds a
 * whole /64 and can pick any address in it, so per-address buckets would not limit it at all.
 */
export function clientBucket(address: string): string {
  if (!isIPv6(address)) return address;
  const groups = expandIPv6(address).slice(0, 4);
  return `${groups.join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, in lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  const zone = address.indexOf('%');
  const plain = zone === -1 ? address : address.slice(0, zone);
  const [head, tail] = plain.split('::') as [string, string | undefined];
  const parts = (text: string): string[] => (text === '' ? [] : text.split(':'));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) is two groups; only the first four matter here.
  const count = (list: string[]): number => list.reduce((n, part) => n + (part.includes('.') ? 2 : 1), 0);
  const missing = 8 - count(left) - count(right);
  const groups = [...left, ...Array.from({ length: tail === undefined ? 0 : missing }, () => '0'), ...right];
  return groups.map((group) => (group.includes('.') ? group : Number.parseInt(group, 16).toString(16)));
}
