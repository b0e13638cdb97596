import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { YoungGenerationCap } from './young-generation.js';

const MiB = 1024 * 1024;

describe('YoungGenerationCap', () => {
  it('lets the young generation grow below the cap and holds it from the cap on, setting a flag only on change', () => {
    let young = 2 * MiB;
    const set: string[] = [];
    const cap = new YoungGenerationCap(16 * MiB, () => young, (flag) => set.push(flag));

    expect(cap.check()).toBe('--semi-space-growth-factor=2');
    young = 8 * MiB;
    cap.check();
    young = 16 * MiB;
    expect(cap.check()).toBe('--semi-space-growth-factor=1');
    cap.check();
    young = 4 * MiB; // V8 shrank it while idle: it may grow again
    expect(cap.check()).toBe('--semi-space-growth-factor=2');
    expect(set).toEqual(['--semi-space-growth-factor=2', '--semi-space-growth-factor=1', '--semi-space-growth-factor=2']);
  });
});

// A fresh process, as a proxy is after start-up: the Jest worker's own young generation has grown.
function youngBytesAfterSurvivingAllocation(capBytes: number | undefined): number {
  const module = fileURLToPath(new URL('./young-generation.ts', import.meta.url));
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { capYoungGeneration } from ${JSON.stringify(module)};
    if (${capBytes ?? 0}) capYoungGeneration(${capBytes ?? 0});
    import { setImmediate as turn } from 'node:timers/promises';
    let keep = [];
    // A server's work: short callbacks, one event-loop turn each.
    for (let i = 0; i < 1e7; i++) { keep.push({ i }); if (keep.length > 200000) keep = []; if (i % 2000 === 0) await turn(); }
    console.log(getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size);`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return Number(out.trim());
}

describe('capYoungGeneration', () => {
  it('keeps V8 from growing the young generation past the cap, where it would grow without one', () => {
    expect(youngBytesAfterSurvivingAllocation(undefined)).toBeGreaterThan(8 * MiB);
    expect(youngBytesAfterSurvivingAllocation(8 * MiB)).toBeLessThanOrEqual(8 * MiB);
  }, 30_000);
});
