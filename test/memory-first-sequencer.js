import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Sequencer from '@jest/test-sequencer';

// Suites that measure this process's memory (they use the memory probe, directly or through a
// helper such as transfers.ts) run first, so that each starts in a fresh worker. A worker that
// has already run dozens of suites holds hundreds of MiB of their module registries, and every
// forced collection the probe makes then costs seconds instead of tens of milliseconds: a
// 200 MiB transfer took 95 s instead of 7, and more than the test's timeout in a slow CI run.

const PROBE = 'memory-probe.ts';
const RELATIVE_IMPORT = /from\s+'(\.{1,2}\/[^']+)\.js'/g;

/** Whether a source file imports the memory probe, following the project's relative imports. */
export function usesMemoryProbe(path, seen = new Map()) {
  if (seen.has(path)) return seen.get(path);
  seen.set(path, false);
  let source;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  const imported = [...source.matchAll(RELATIVE_IMPORT)].map((m) => resolve(dirname(path), `${m[1]}.ts`));
  const uses = imported.some((file) => file.endsWith(`/${PROBE}`) || usesMemoryProbe(file, seen));
  seen.set(path, uses);
  return uses;
}

/** The suites that use the memory probe, then the others, each group in its given order. */
export function memoryFirst(tests) {
  const seen = new Map();
  const first = tests.filter((test) => usesMemoryProbe(test.path, seen));
  return [...first, ...tests.filter((test) => !first.includes(test))];
}

export default class MemoryFirstSequencer extends Sequencer {
  async sort(tests) {
    return memoryFirst(await super.sort(tests));
  }
}
