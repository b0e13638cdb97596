import { createHash, timingSafeEqual } from 'node:crypto';
import type { KeyRule } from '../config/key-rule.js';
import { compileRulePattern, HOST_PATTERN_FLAGS, PATH_PATTERN_FLAGS } from '../config/rule-pattern.js';

/** A route as an agent asks for it: a host pattern and a path prefix. */
export interface ClaimedRoute {
  /** `api.example.com`, `*.example.com` or `*`. */
  readonly host: string;
  /** A path prefix such as `/api`. */
  readonly path: string;
}

interface CompiledRule {
  readonly digest: Buffer;
  readonly hosts: readonly RegExp[];
  readonly paths: readonly RegExp[];
}

// Rules come from the frozen config and live as long as it does; compile each once.
const compiled = new WeakMap<KeyRule, CompiledRule>();

function compile(rule: KeyRule): CompiledRule {
  let entry = compiled.get(rule);
  if (entry === undefined) {
    entry = {
      digest: sha256(rule.key),
      hosts: rule.hosts.map((source) => compileRulePattern(source, HOST_PATTERN_FLAGS)),
      paths: rule.paths.map((source) => compileRulePattern(source, PATH_PATTERN_FLAGS)),
    };
    compiled.set(rule, entry);
  }
  return entry;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The rule whose key is `presented`, if any.
 *
 * Compares SHA-256 digests with `timingSafeEqual`, so neither the content nor the length of a
 * configured key leaks through timing, and checks every rule rather than stopping at the match.
 */
export function findKeyRule(rules: readonly KeyRule[], presented: string): KeyRule | undefined {
  const digest = sha256(presented);
  let found: KeyRule | undefined;
  for (const rule of rules) {
    if (timingSafeEqual(compile(rule).digest, digest) && found === undefined) found = rule;
  }
  return found;
}

/**
 * Whether `rule` allows registering `route`: some host expression matches the whole host pattern
 * (case-insensitively) and some path expression matches the whole path prefix.
 */
export function mayClaim(rule: KeyRule, route: ClaimedRoute): boolean {
  const { hosts, paths } = compile(rule);
  return hosts.some((host) => host.test(route.host)) && paths.some((path) => path.test(route.path));
}

/**
 * Whether `rule` allows the path prefix of a subdomain claim: for those, the rule's
 * `subdomains` stands in for its `hosts` (docs/configuration.md, "Subdomains").
 */
export function mayClaimPath(rule: KeyRule, path: string): boolean {
  return compile(rule).paths.some((pattern) => pattern.test(path));
}
