import type { HarpConfig } from './harp-config.js';
import type { KeyRule } from './key-rule.js';

/** Id of the rule made from the single `key` setting. */
export const DEFAULT_KEY_RULE_ID = 'default';

const cache = new WeakMap<object, readonly KeyRule[]>();

/**
 * The rules agents are checked against: `keys`, plus a rule allowing any route (and any
 * rate limit an agent asks for on it) for `key` when it is set.
 *
 * Memoised per config object so callers get the same rule objects every time, which lets
 * per-rule caches (compiled expressions, key digests) keyed on those objects stay warm.
 */
export function effectiveKeyRules(config: Pick<HarpConfig, 'key' | 'keys'>): readonly KeyRule[] {
  let rules = cache.get(config);
  if (rules === undefined) {
    const defaultRule: KeyRule[] =
      config.key === undefined
        ? []
        : [Object.freeze({ id: DEFAULT_KEY_RULE_ID, key: config.key, hosts: ['.*'], paths: ['.*'], agentAccess: true, agentRateLimits: true, subdomains: true })];
    rules = Object.freeze([...config.keys, ...defaultRule]);
    cache.set(config, rules);
  }
  return rules;
}
