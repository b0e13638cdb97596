import { fileURLToPath } from 'node:url';
import { memoryFirst, usesMemoryProbe } from './memory-first-sequencer.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

describe('the memory-first test sequencer', () => {
  it('counts a suite that reaches the memory probe through a helper', () => {
    expect(usesMemoryProbe(here('./e2e/large-bodies.e2e-spec.ts'))).toBe(true);
    expect(usesMemoryProbe(here('./e2e/inspector-har-export.e2e-spec.ts'))).toBe(true);
  });

  it('does not count a suite that never reaches it', () => {
    expect(usesMemoryProbe(here('./e2e/concurrency.e2e-spec.ts'))).toBe(false);
  });

  it('puts the suites that measure memory before all others, keeping each group in order', () => {
    const files = ['concurrency.e2e-spec.ts', 'large-bodies.e2e-spec.ts', 'admin-health.e2e-spec.ts', 'cluster-bodies.e2e-spec.ts'];
    const sorted = memoryFirst(files.map((file) => ({ path: here(`./e2e/${file}`) })));
    expect(sorted.map((test: { path: string }) => test.path.split('/').pop())).toEqual([
      'large-bodies.e2e-spec.ts',
      'cluster-bodies.e2e-spec.ts',
      'concurrency.e2e-spec.ts',
      'admin-health.e2e-spec.ts',
    ]);
  });
});
