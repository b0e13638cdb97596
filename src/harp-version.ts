import { readFileSync } from 'node:fs';

let version: string | undefined;

/** HARP's version, from its package.json (read once; `src/` and `dist/` both sit beside it). */
export function harpVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
