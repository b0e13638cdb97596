import type { AccessPolicy } from './access-policy.js';
import { pathForms } from '../http/path-forms.js';

/** An operator's access rule: which requests it covers (full-match expressions) and what it demands. */
export interface OperatorRule {
  /** Tried on the request's host, lower-cased and without its port. */
  readonly hosts: readonly RegExp[];
  /** Tried on the request's path (without the query), see {@link pathForms}. */
  readonly paths: readonly RegExp[];
  readonly policy: AccessPolicy;
}

const NONE: readonly AccessPolicy[] = [];

/**
 * The policies of every rule that covers a request: some `hosts` expression matches its host
 * and some `paths` expression one of its {@link pathForms}. All of them apply (see
 * `decideAccess`), in the order of the configuration.
 */
export function policiesFor(rules: readonly OperatorRule[], host: string | undefined, rawPath: string): readonly AccessPolicy[] {
  if (rules.length === 0) return NONE;
  const hostname = host ?? '';
  let paths: string[] | undefined;
  const found: AccessPolicy[] = [];
  for (const rule of rules) {
    if (!rule.hosts.some((h) => h.test(hostname))) continue;
    paths ??= pathForms(rawPath);
    if (rule.paths.some((p) => paths!.some((path) => p.test(path)))) found.push(rule.policy);
  }
  return found;
}
