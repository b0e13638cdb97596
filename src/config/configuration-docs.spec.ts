import { readFileSync } from 'node:fs';
import { harpConfigSchema, type HarpConfigKey } from './config.schema.js';
import { envName } from './config.source.js';

// docs/configuration.md is what operators read; the schema is what the proxy enforces. This
// keeps its table of keys in step with the schema: every key, its environment twin, its default.

interface DocumentedKey {
  env: string;
  defaultCell: string;
}

function documentedKeys(): Map<string, DocumentedKey> {
  const markdown = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const rows = new Map<string, DocumentedKey>();
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const key = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
    const env = /^`(HARP_\w+)`/.exec(cells[2] ?? '')?.[1];
    if (key && env) rows.set(key, { env, defaultCell: cells[4] ?? '' });
  }
  return rows;
}

/** The default as the table writes it: its first code span; none (`none`, `generated…`) when unset. */
function documentedDefault(cell: string): string | undefined {
  return /`([^`]*)`/.exec(cell)?.[1];
}

function schemaDefault(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

describe('docs/configuration.md', () => {
  const documented = documentedKeys();
  const keys = Object.keys(harpConfigSchema.shape) as HarpConfigKey[];
  const defaults = harpConfigSchema.parse({}) as Record<string, unknown>;

  it('documents every configuration key and no other', () => {
    expect([...documented.keys()].sort()).toEqual([...keys].sort());
  });

  it.each(keys)('names the environment variable of %s', (key) => {
    expect(documented.get(key)?.env).toBe(envName(key));
  });

  it.each(keys)('gives the default of %s', (key) => {
    expect(documentedDefault(documented.get(key)?.defaultCell ?? '')).toBe(schemaDefault(defaults[key]));
  });
});
