import type { HarpConfigKey } from './config.schema.js';
import { ENV_SOURCE, envName, type ConfigLayer } from './config.source.js';

/** How an environment string becomes a value of the key's type. */
type EnvKind = 'string' | 'int' | 'boolean' | 'list' | 'json';

// Every key has an env twin; `satisfies` makes a new schema key without a kind a type error.
const ENV_KINDS = {
  port: 'int',
  host: 'string',
  tlsCert: 'string',
  tlsKey: 'string',
  tlsPort: 'int',
  tlsCertificates: 'json',
  httpRedirect: 'boolean',
  key: 'string',
  keys: 'json',
  adminToken: 'string',
  access: 'json',
  redisUrl: 'string',
  clusterSecret: 'string',
  redisPrefix: 'string',
  nodeId: 'string',
  clusterHost: 'string',
  clusterPort: 'int',
  clusterUrl: 'string',
  clusterHeartbeatMs: 'int',
  workers: 'int',
  maxBodyBytes: 'int',
  requestTimeoutMs: 'int',
  heartbeatMs: 'int',
  drainTimeoutMs: 'int',
  routeGraceMs: 'int',
  maxHeldRequestsPerRoute: 'int',
  shutdownDelayMs: 'int',
  shutdownTimeoutMs: 'int',
  maxHeaderBytes: 'int',
  headersTimeoutMs: 'int',
  trustedProxies: 'list',
  windowBytes: 'int',
  maxFrameBytes: 'int',
  maxStreamsPerAgent: 'int',
  ejectAfterFailures: 'int',
  ejectBaseMs: 'int',
  ejectMaxMs: 'int',
  logLevel: 'string',
  accessLog: 'boolean',
  cacheEnabled: 'boolean',
  cacheMaxBytes: 'int',
  cacheMaxObjectBytes: 'int',
  cacheStoreTimeoutMs: 'int',
  cacheCoalesceTimeoutMs: 'int',
  cacheOfflineMaxStaleMs: 'int',
  lingeringTimeoutMs: 'int',
  lingeringTimeMs: 'int',
  lingeringMaxBytes: 'int',
  inspectorEnabled: 'boolean',
  inspectorCapacity: 'int',
  inspectorBodies: 'boolean',
  inspectorBodyBytes: 'int',
  rateLimit: 'string',
  rateLimits: 'json',
  publicDomain: 'string',
  publicUrl: 'string',
  reconnectSecret: 'string',
  inspectorRedactHeaders: 'list',
} as const satisfies Record<HarpConfigKey, EnvKind>;

/** What a JSON variable holds, for the message when it is not JSON. */
const JSON_SHAPES: Partial<Record<HarpConfigKey, string>> = {
  keys: 'a list of key rules',
  tlsCertificates: 'a list of certificates',
  rateLimits: 'a list of rate-limit rules',
  access: 'a list of access rules',
};

const KEY_BY_ENV_NAME = new Map(
  (Object.keys(ENV_KINDS) as HarpConfigKey[]).map((key) => [envName(key), key]),
);

/** Spellings a boolean may have in the environment. */
const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
]);

/** `HARP_*` variables that are not configuration keys but are not typos either. */
const IGNORED = (name: string): boolean =>
  name === 'HARP_CONFIG' || name.startsWith('HARP_TEST_');

/** The result of reading the environment: a layer, and problems found before validation. */
export interface EnvReading {
  readonly layer: ConfigLayer;
  readonly problems: readonly string[];
}

/**
 * Reads the `HARP_*` variables that twin configuration keys, coerced to the keys' types.
 * Empty strings count as unset (shells make unsetting awkward). A number that is not a whole
 * decimal is passed on as a string so the schema reports it with the usual message.
 */
export function readEnv(env: NodeJS.ProcessEnv): EnvReading {
  const values: Record<string, unknown> = Object.create(null);
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('HARP_') || raw === undefined || raw === '' || IGNORED(name)) continue;
    const key = KEY_BY_ENV_NAME.get(name);
    if (key === undefined) {
      problems.push(`unknown key "${name}" (env)`);
      continue;
    }
    const kind: EnvKind = ENV_KINDS[key];
    if (kind === 'json') {
      try {
        values[key] = JSON.parse(raw);
      } catch {
        // The parser's message quotes the text, which may hold keys: say only what was expected.
        problems.push(`${name} (env): expected JSON (${JSON_SHAPES[key] ?? 'a list'}), got text that is not valid JSON`);
      }
    } else {
      values[key] = coerce(kind, raw);
    }
  }
  return { layer: { source: ENV_SOURCE, values }, problems };
}

function coerce(kind: Exclude<EnvKind, 'json'>, raw: string): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'int': {
      const value = Number(raw);
      return /^-?\d+$/.test(raw) && Number.isSafeInteger(value) ? value : raw;
    }
    case 'boolean':
      // Anything else is passed on as text for the schema to report ("expected true or false").
      return BOOLEAN_WORDS.get(raw.toLowerCase()) ?? raw;
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
  }
}
