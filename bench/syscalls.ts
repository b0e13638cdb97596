// Syscalls per request: the proxy and the agent under `strace -c -f` during one wrk run of a
// workload, each process's counts divided by the requests wrk completed. strace slows the
// processes, so the request rate means nothing here; the counts per request do not depend on it
// much and, unlike CPU time, are free of the machine's noise.
//
//   node --import tsx bench/syscalls.ts                 # /1k at 32 connections, 3 s
//   SYSCALLS_PATH=/64k SYSCALLS_SECONDS=5 node --import tsx bench/syscalls.ts
//
// Needs strace (Debian: apt-get install -y strace) and wrk; run it under the bench lock.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseStraceSummary, perRequest } from './strace-summary.js';
import { envNumber, httpGet, sleep, startProxy, startTsChild, stopChildren } from './processes.js';
import { runWrk } from './wrk.js';

const path = process.env.SYSCALLS_PATH ?? '/1k';
const connections = envNumber('SYSCALLS_CONNECTIONS', 32);
const seconds = envNumber('SYSCALLS_SECONDS', 3);
const SHOWN = ['writev', 'write', 'read', 'epoll_wait', 'epoll_ctl', 'futex'];

function straceCounts(pid: number): { stop: () => Promise<string> } {
  const child = spawn('strace', ['-c', '-f', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve(output));
        child.kill('SIGINT');
      }),
  };
}

async function main(): Promise<void> {
  const key = randomBytes(18).toString('base64url');
  const upstream = await startTsChild('upstream', './children/upstream.ts');
  const proxy = await startProxy(key);
  const agent = await startTsChild('agent', './children/agent.ts', {
    HARP_BENCH_SERVER: proxy.url.replace(/^http/, 'ws'),
    HARP_BENCH_KEY: key,
    HARP_BENCH_UPSTREAM: String(upstream.info.url),
  });
  for (let i = 0; (await httpGet(`${proxy.url}${path}`).catch(() => undefined))?.status !== 200; i++) {
    if (i > 150) throw new Error('the proxy does not route to the agent');
    await sleep(100);
  }
  const url = `${proxy.url}${path}`;
  await runWrk({ url, connections, seconds: 2, bodyBytes: 0 }); // warm-up: JIT, pools, caches
  const traces = { proxy: straceCounts(proxy.child.pid!), agent: straceCounts(agent.child.pid!) };
  await sleep(500); // strace attaches to every thread
  const load = await runWrk({ url, connections, seconds, bodyBytes: 0 });
  const outputs = { proxy: await traces.proxy.stop(), agent: await traces.agent.stop() };
  console.log(`${path}, ${connections} connections: ${load.requests} requests under strace`);
  console.log(['process', ...SHOWN, 'all'].map((s) => s.padStart(10)).join(''));
  for (const [name, text] of Object.entries(outputs)) {
    const rates = perRequest(parseStraceSummary(text), load.requests);
    console.log([name, ...SHOWN.map((s) => (rates.get(s) ?? 0).toFixed(2)), rates.get('total')!.toFixed(2)].map((s) => s.padStart(10)).join(''));
  }
  await stopChildren();
  process.exit(0);
}

main().catch(async (err) => {
  console.error(err);
  await stopChildren();
  process.exit(1);
});
