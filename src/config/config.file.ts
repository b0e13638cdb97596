import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { ConfigError } from './config.error.js';
import { fileSource, type ConfigLayer } from './config.source.js';

/** The YAML parser, loaded only for a YAML file: a proxy configured from env alone never needs it. */
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof Yaml).parse(text);
}

/**
 * Reads the file named by `HARP_CONFIG`, if any: YAML when it ends in `.yaml` or `.yml`, JSON
 * otherwise. An empty file is an empty configuration.
 *
 * @throws ConfigError when the file cannot be read, parsed, or is not a mapping
 */
export function readConfigFile(env: NodeJS.ProcessEnv): ConfigLayer | undefined {
  const named = env.HARP_CONFIG;
  if (named === undefined || named === '') return undefined;
  const path = resolve(named);
  const fail = (problem: string, cause?: unknown): never => {
    throw new ConfigError([`file ${path}: ${problem}`], { cause });
  };

  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(`cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, error);
  }

  let data: unknown;
  const yaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  try {
    data = text.trim() === '' ? {} : yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    fail(`cannot parse it as ${yaml ? 'YAML' : 'JSON'} (${(error as Error).message})`, error);
  }

  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    fail('expected a mapping of configuration keys at the top level');
  }
  // Copy into a prototype-less object so a "__proto__" key stays a key (and is reported as
  // unknown) instead of changing the prototype.
  const values: Record<string, unknown> = Object.assign(Object.create(null), data);
  return { source: fileSource(path), values };
}
