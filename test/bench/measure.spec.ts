import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readCpuSeconds, readLoadGeneratorCpuSeconds, readTreeCpuSeconds, readTreeRss } from '../../bench/measure.js';

// A Node child that burns `ms` of its own CPU time, then says "burnt" and stays alive until stdin closes.
const BURN = (ms: number): string =>
  `while ((process.cpuUsage().user + process.cpuUsage().system) / 1000 < ${ms}); process.stdout.write('burnt'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;

describe('CPU readers', () => {
  it('count a child that has exited in the load generator (cutime), not before', async () => {
    const before = readLoadGeneratorCpuSeconds();
    const child = spawn(process.execPath, ['-e', BURN(300)], { stdio: ['pipe', 'pipe', 'inherit'] });
    await once(child.stdout!, 'data');
    child.stdin!.end();
    await once(child, 'exit');
    expect(readLoadGeneratorCpuSeconds() - before).toBeGreaterThanOrEqual(0.25);
  });

  it('count a living grandchild in its ancestor\'s tree, not in the ancestor alone', async () => {
    // A parent that does nothing but start the burner, as nginx's master starts its worker.
    const parentScript = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(BURN(300))}], { stdio: ['pipe', 'inherit', 'inherit'] });
      process.stdin.on('end', () => { c.stdin.end(); c.on('exit', () => process.exit(0)); }); process.stdin.resume();`;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await once(parent.stdout!, 'data');
      const own = readCpuSeconds(parent.pid!);
      const tree = readTreeCpuSeconds(parent.pid!);
      expect(tree - own).toBeGreaterThanOrEqual(0.25);
      expect(readTreeRss(parent.pid!)).toBeGreaterThan(0);
    } finally {
      parent.stdin!.end();
      await once(parent, 'exit');
    }
  });

  it('read nothing for a process that is gone', () => {
    expect(readCpuSeconds(2 ** 22 + 1)).toBe(0);
    expect(readTreeRss(2 ** 22 + 1)).toBeUndefined();
  });
});
