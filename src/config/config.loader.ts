import { randomBytes } from 'node:crypto';
import { readEnv } from './config.env.js';
import { ConfigError } from './config.error.js';
import { readConfigFile } from './config.file.js';
import { describeIssues } from './config.issues.js';
import { harpConfigSchema, type HarpConfigInput, type HarpConfigParsed } from './config.schema.js';
import { OVERRIDES_SOURCE, type ConfigLayer, type ConfigSource } from './config.source.js';
import type { HarpConfig } from './harp-config.js';
import { generateNodeId } from './node-id.js';

/** Where {@link loadHarpConfig} reads from. */
export interface LoadHarpConfigOptions {
  /**
   * Environment holding `HARP_CONFIG` and the `HARP_*` variables.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Values that win over every other source; for tests and apps that import HARP's modules.
   * `undefined` values count as unset.
   * @default {}
   */
  readonly overrides?: Partial<HarpConfigInput>;
}

/**
 * Builds the configuration from, in increasing priority: defaults, the file named by
 * `HARP_CONFIG`, `HARP_*` environment variables, and `overrides`. Sources merge per top-level
 * key (a `keys` list from the environment replaces the file's, it is not appended to it).
 *
 * When neither `key` nor any `keys` rule is configured, a random key is generated so that the
 * proxy never accepts agents without one; `generatedKey` tells start-up to print it.
 *
 * @returns a deeply frozen plain object
 * @throws ConfigError naming every bad key with its source
 */
export function loadHarpConfig(options: LoadHarpConfigOptions = {}): HarpConfig {
  const { env = process.env, overrides = {} } = options;
  const file = readConfigFile(env);
  const fromEnv = readEnv(env);
  const layers: ConfigLayer[] = [
    ...(file ? [file] : []),
    fromEnv.layer,
    { source: OVERRIDES_SOURCE, values: overrides },
  ];

  // Prototype-less, so a "__proto__" key from a file is a key like any other.
  const merged: Record<string, unknown> = Object.create(null);
  const origin: Record<string, ConfigSource> = Object.create(null);
  for (const { source, values } of layers) {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      merged[key] = value;
      origin[key] = source;
    }
  }

  const result = harpConfigSchema.safeParse(merged, { reportInput: true });
  const schemaProblems = result.success ? [] : describeIssues(result.error.issues, origin);
  const problems = [...fromEnv.problems, ...schemaProblems];
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(withNodeDefaults(withKey(result.data)));
}

/** Defaults that depend on other keys or on the process: the node id and the cluster host. */
function withNodeDefaults<T extends HarpConfigParsed>(config: T): T & Pick<HarpConfig, 'nodeId' | 'clusterHost'> {
  return { ...config, nodeId: config.nodeId ?? generateNodeId(), clusterHost: config.clusterHost ?? config.host };
}

function withKey(parsed: HarpConfigParsed): HarpConfigParsed & Pick<HarpConfig, 'generatedKey'> {
  const generatedKey = parsed.key === undefined && parsed.keys.length === 0;
  // 24 random bytes: 192 bits, 32 URL-safe characters, easy to paste into a shell.
  if (!generatedKey) return { ...parsed, generatedKey };
  return { ...parsed, key: randomBytes(24).toString('base64url'), generatedKey };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
