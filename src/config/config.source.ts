import type { HarpConfigKey } from './config.schema.js';

/** Where a configuration value came from, for error messages. */
export interface ConfigSource {
  /** Shown in parentheses after the key: `env`, `file /etc/harp.yaml`, `overrides`. */
  readonly label: string;
  /** How this source spells a top-level key: `HARP_PORT` in the environment, `port` elsewhere. */
  readonly name: (key: HarpConfigKey) => string;
}

/** One source's top-level values, before merging. */
export interface ConfigLayer {
  readonly source: ConfigSource;
  readonly values: Readonly<Record<string, unknown>>;
}

/** `HARP_` + SCREAMING_SNAKE of the camelCase key: `maxBodyBytes` → `HARP_MAX_BODY_BYTES`. */
export function envName(key: string): string {
  return `HARP_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

/** The environment as a source. */
export const ENV_SOURCE: ConfigSource = { label: 'env', name: envName };

/** Programmatic overrides as a source. */
export const OVERRIDES_SOURCE: ConfigSource = { label: 'overrides', name: (key) => key };

/** A configuration file as a source. */
export function fileSource(path: string): ConfigSource {
  return { label: `file ${path}`, name: (key) => key };
}
