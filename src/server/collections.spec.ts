import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('observeCollections', () => {
  it('reports scavenges and full collections by kind, and nothing once stopped', () => {
    const module = fileURLToPath(new URL('./collections.ts', import.meta.url));
    const script = `
      import { setTimeout as sleep } from 'node:timers/promises';
      import { observeCollections } from ${JSON.stringify(module)};
      const seen = [];
      const stop = observeCollections((kind) => seen.push(kind));
      let keep = [];
      for (let i = 0; i < 2e6; i++) { keep.push({ i }); if (keep.length > 1000) keep = []; }
      gc();
      await sleep(50);
      stop();
      const before = seen.length;
      gc();
      await sleep(50);
      console.log(JSON.stringify({ kinds: [...new Set(seen)].sort(), after: seen.length - before }));`;
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim())).toEqual({ kinds: ['full', 'scavenge'], after: 0 });
  }, 30_000);
});
