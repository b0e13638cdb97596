// A/B of two proxy builds side by side: the proxy's CPU per request, in rounds whose two runs
// are adjacent in time, so that a shared machine's load falls on both alike. See bench/README.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CpuMeter, readCpuSeconds, readLoadGeneratorCpuSeconds } from './measure.js';
import { envNumber, fail, log, startTsChild, stopChildren, track, withTimeout } from './processes.js';
import { runWrk, writePostScript } from './wrk.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const [before, after = here] = process.argv.slice(2);
if (!before) fail(new Error('usage: node --import tsx bench/proxy-ab.ts <tree before> [<tree after, default this one>]'), false);
const rounds = envNumber('AB_ROUNDS', 8);
const seconds = envNumber('AB_SECONDS', 3);
const paths = (process.env.AB_PATHS ?? '/1k').split(',');
const connections = envNumber('AB_CONNECTIONS', 32);
// AB_POST_BYTES=1048576 with AB_PATHS=/echo: every request a POST of that many bytes, echoed.
const postBytes = envNumber('AB_POST_BYTES', 0);
const script = postBytes > 0 ? writePostScript(mkdtempSync(join(tmpdir(), 'harp-ab-')), postBytes) : undefined;
// Node flags per side, so that one build can be compared with itself under other V8 settings
// (heap sizes, say); a proxy given a heap flag leaves that size to it (src/server/heap-sizing.ts).
const flagsFor = (name: string): string[] => (process.env[`AB_${name.toUpperCase()}_NODE_FLAGS`] ?? '').split(' ').filter(Boolean);
const nodeFlags = { before: flagsFor('before'), after: flagsFor('after') };

interface Side {
  readonly name: 'before' | 'after';
  readonly url: string;
  readonly pid: number;
  readonly agentPid: number;
}

/** `node dist/main.js` of another tree, as startProxy() starts this tree's. */
async function proxyIn(tree: string, name: Side['name'], upstream: string): Promise<Side> {
  if (!existsSync(`${tree}/dist/main.js`)) fail(new Error(`${tree}/dist/main.js is missing: run \`npx nest build\` there`), false);
  const key = randomBytes(18).toString('base64url');
  const env = { ...process.env, HARP_PORT: '0', HARP_HOST: '127.0.0.1', HARP_KEY: key, HARP_LOG_LEVEL: 'warn' };
  const child = track(`proxy ${name}`, spawn(process.execPath, [...nodeFlags[name], 'dist/main.js'], { cwd: tree, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  const port = await withTimeout(
    new Promise<number>((resolve) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const m = /listening on http:\/\/[^\s:]+:(\d+)/.exec(output);
        if (m) resolve(Number(m[1]));
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    }),
    30_000,
    `the ${name} proxy did not print its listening banner`,
  );
  const url = `http://127.0.0.1:${port}`;
  // The same agent (this tree's) for both: only the proxies differ.
  const agent = await startTsChild(`agent ${name}`, './children/agent.ts', { HARP_BENCH_SERVER: url.replace(/^http/, 'ws'), HARP_BENCH_KEY: key, HARP_BENCH_UPSTREAM: upstream });
  return { name, url, pid: child.pid!, agentPid: agent.child.pid! };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const started = await startTsChild('upstream', './children/upstream.ts');
  const upstream = String(started.info.url);
  const sides = [await proxyIn(before, 'before', upstream), await proxyIn(after, 'after', upstream)];
  // Everything of the bench's own besides the measured proxy, so that `other` is the rest.
  const ownPids = [started.child.pid!, ...sides.flatMap((side) => [side.pid, side.agentPid])];
  const flagsOf = (name: Side['name']): string => (nodeFlags[name].length ? ` [${nodeFlags[name].join(' ')}]` : '');
  log(
    `before ${before}${flagsOf('before')} (pid ${sides[0]!.pid}), after ${after}${flagsOf('after')} (pid ${sides[1]!.pid}); ` +
      `${rounds} rounds of ${seconds} s per path`,
  );
  for (const path of paths) {
    const usPerRequest: Record<Side['name'], number[]> = { before: [], after: [] };
    const agentUs: Record<Side['name'], number[]> = { before: [], after: [] };
    const other: number[] = [];
    for (const side of sides) await runWrk({ url: side.url + path, connections, seconds: 2, bodyBytes: postBytes, script });
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        const rest = (): number => readLoadGeneratorCpuSeconds() + ownPids.filter((pid) => pid !== side.pid && pid !== side.agentPid).reduce((sum, pid) => sum + readCpuSeconds(pid), 0);
        const meter = new CpuMeter({ proxy: () => readCpuSeconds(side.pid), agent: () => readCpuSeconds(side.agentPid), bench: rest });
        meter.begin();
        const run = await runWrk({ url: side.url + path, connections, seconds, bodyBytes: postBytes, script });
        const { wallSeconds, cpuSeconds } = meter.end();
        usPerRequest[side.name].push((1e6 * cpuSeconds.proxy!) / run.requests);
        agentUs[side.name].push((1e6 * cpuSeconds.agent!) / run.requests);
        other.push((100 * cpuSeconds.other!) / wallSeconds);
      }
    }
    const ratios = usPerRequest.after.map((us, i) => us / usPerRequest.before[i]!);
    const range = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    console.log(
      `${path}: proxy ${median(usPerRequest.before).toFixed(1)} → ${median(usPerRequest.after).toFixed(1)} µs/req (medians); ` +
        `after ÷ before per round ${median(ratios).toFixed(2)} [${range(ratios)}]; ` +
        `agent ${median(agentUs.before).toFixed(1)} → ${median(agentUs.after).toFixed(1)} µs/req; other ${Math.min(...other).toFixed(0)}–${Math.max(...other).toFixed(0)} % of a core`,
    );
  }
} catch (err) {
  fail(err);
}
await stopChildren();
