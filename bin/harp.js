#!/usr/bin/env node
// The `harp` command. All of it lives in dist/cli/ (src/cli/bin-entry.ts calls
// runCli from main.ts with process.argv.slice(2) and exits with its status); this file only
// finds it, and says so when a source checkout has not been built yet.
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/bin-entry.js', import.meta.url);
try {
  await import(entry.href);
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(fileURLToPath(entry))) throw err;
  process.stderr.write('harp: dist/ is missing; run "npm run build" in this checkout first\n');
  process.exit(1);
}
