import type { z } from 'zod';
import type { HarpConfigKey } from './config.schema.js';
import type { ConfigSource } from './config.source.js';

type Path = readonly PropertyKey[];

// Values at these paths are secrets and are never echoed in an error message.
const SECRET_KEYS: ReadonlySet<PropertyKey> = new Set(['key', 'adminToken', 'redisUrl', 'clusterSecret', 'reconnectSecret']);
// An access rule's hashes are not secrets, but a plain password or token pasted by mistake is.
const isSecret = (path: Path): boolean =>
  SECRET_KEYS.has(path[0]!) ||
  (path[0] === 'keys' && path[2] === 'key') ||
  (path[0] === 'access' && (path[2] === 'bearerTokens' || path[4] === 'password'));

/**
 * Turns schema issues into one line each, naming the key as its source spells it and the source:
 * `HARP_PORT (env): expected an integer from 0 to 65535, got "abc"`,
 * `keys[0].hosts[1] (file /etc/harp.yaml): expected a valid regular expression (...)`,
 * `unknown key "prot" (file /etc/harp.yaml)`.
 *
 * @param origin the source of each top-level key of the validated input
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  origin: Readonly<Record<string, ConfigSource>>,
): string[] {
  const lines = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const source = sourceOf(path, origin);
        lines.add(`unknown key "${keyName(path, source)}" (${source.label})`);
      }
    } else {
      const source = sourceOf(issue.path, origin);
      lines.add(`${keyName(issue.path, source)} (${source.label}): ${issue.message}${got(issue)}`);
    }
  }
  return [...lines];
}

// Defaults are valid, so every failing path starts at a key some source supplied.
const DEFAULTS: ConfigSource = { label: 'default', name: (key) => key };
const sourceOf = (path: Path, origin: Readonly<Record<string, ConfigSource>>): ConfigSource =>
  origin[String(path[0])] ?? DEFAULTS;

function keyName(path: Path, source: ConfigSource): string {
  const [top, ...rest] = path;
  const nested = rest.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`));
  return source.name(String(top) as HarpConfigKey) + nested.join('');
}

function got(issue: z.core.$ZodIssue): string {
  const input: unknown = issue.input;
  if (input === undefined || isSecret(issue.path)) return '';
  if (Array.isArray(input)) return ', got a list';
  if (input !== null && typeof input === 'object') return ', got a mapping';
  return `, got ${typeof input === 'string' ? JSON.stringify(input) : String(input)}`;
}
