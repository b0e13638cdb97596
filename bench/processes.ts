// Child processes of the benches (upstream, proxies, agents) and small helpers they share.
// Importing this installs handlers that kill every child when the bench stops or fails.
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { get, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// ---- child processes ----

const children = new Map<string, ChildProcess>();
let stopping = false;
let proxyOutput = '';

/** Registers a child: killed when the bench stops or fails; its unexpected exit fails the bench. */
export function track(name: string, child: ChildProcess, { group = false }: { group?: boolean } = {}): ChildProcess {
  children.set(name, child);
  // A child spawned `detached` leads its own process group; its signals go to the whole group,
  // so that a master process's workers (nginx) never outlive the bench even on SIGKILL.
  if (group) groupLeaders.add(child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    groupLeaders.delete(child);
    if (!stopping) fail(new Error(`${name} exited unexpectedly (code ${code}, signal ${signal})`));
  });
  return child;
}

const groupLeaders = new Set<ChildProcess>();

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (!groupLeaders.has(child) || child.pid === undefined) {
    child.kill(sig);
    return;
  }
  try {
    process.kill(-child.pid, sig);
  } catch {
    // the group is gone already
  }
}

/** A TypeScript child under tsx that reports `{ type: 'ready', ... }` over IPC. */
export async function startTsChild(name: string, file: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; info: Record<string, unknown> }> {
  const child = track(name, fork(here(file), [], { execArgv: ['--import', 'tsx', ...profileFlags()], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const info = await withTimeout(
    new Promise<Record<string, unknown>>((resolve) => {
      child.on('message', (m: Record<string, unknown>) => {
        if (m.type === 'ready') resolve(m);
        else if (m.type === 'disconnected' && !stopping) fail(new Error(`agent lost its connection: ${JSON.stringify(m)}`));
      });
    }),
    20_000,
    `${name} did not become ready`,
  );
  return { child, info };
}

/** BENCH_PROFILE=<dir>: the proxy and agent write V8 CPU profiles there (open in Chrome DevTools). */
export function profileFlags(): string[] {
  const dir = process.env.BENCH_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/**
 * BENCH_PROXY_NODE_FLAGS="--max-semi-space-size=16 …": extra node flags for the proxy, e.g. to
 * compare its own heap sizing (src/server/heap-sizing.ts) with another.
 */
export function proxyNodeFlags(): string[] {
  return (process.env.BENCH_PROXY_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
}

export async function startProxy(
  key: string,
  { name = 'proxy', env = {} }: { name?: string; env?: Record<string, string> } = {},
): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(`${root}dist/main.js`)) throw new Error('dist/main.js is missing: run `npx nest build` (npm run bench does)');
  const child = track(
    name,
    spawn(process.execPath, [...profileFlags(), ...proxyNodeFlags(), 'dist/main.js'], {
      cwd: root,
      env: { ...process.env, HARP_PORT: '0', HARP_HOST: '127.0.0.1', HARP_KEY: key, HARP_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  // This proxy's own output: `proxyOutput` holds every proxy's, so the banner of one started
  // before would name the wrong port.
  let own = '';
  const port = await withTimeout(
    new Promise<number>((resolve) => {
      const onData = (chunk: Buffer): void => {
        proxyOutput = (proxyOutput + chunk.toString()).slice(-8000);
        own = (own + chunk.toString()).slice(-8000);
        const m = /listening on http:\/\/[^\s:]+:(\d+)/.exec(own);
        if (m) resolve(Number(m[1]));
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    }),
    30_000,
    'the proxy did not print its listening banner',
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

export async function stopChildren(): Promise<void> {
  stopping = true;
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => signal(child, 'SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          signal(child, 'SIGTERM');
        }),
    ),
  );
}

export function fail(err: unknown, showProxyOutput = true): never {
  stopping = true;
  console.error(`\nbench failed: ${err instanceof Error ? err.message : String(err)}`);
  if (showProxyOutput && proxyOutput.trim()) console.error(`--- proxy output (last lines) ---\n${proxyOutput.trim().split('\n').slice(-20).join('\n')}`);
  for (const child of children.values()) signal(child, 'SIGKILL');
  process.exit(1);
}

process.on('SIGINT', () => fail(new Error('interrupted'), false));
process.on('SIGTERM', () => fail(new Error('terminated'), false));
process.on('uncaughtException', (err) => fail(err));
process.on('unhandledRejection', (err) => fail(err));
process.on('exit', () => {
  for (const child of children.values()) signal(child, 'SIGKILL');
});

// ---- helpers ----

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return n;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]);
}

/** One GET on a fresh connection, whole body read. */
export function httpGet(url: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** One POST of `body` on a fresh connection, whole response body read. */
export function httpPost(url: string, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/octet-stream', 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago, for a child that cannot listen on port 0 and say which. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Requests the upstream child has received so far, per path. */
export function upstreamCounts(child: ChildProcess): Promise<Record<string, number>> {
  return withTimeout(
    new Promise((resolve) => {
      const onMessage = (m: { type?: string; counts?: Record<string, number> }): void => {
        if (m.type !== 'counts') return;
        child.off('message', onMessage);
        resolve(m.counts ?? {});
      };
      child.on('message', onMessage);
      child.send({ type: 'counts' });
    }),
    5_000,
    'the upstream did not report its request counts',
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const log = (line: string): void => console.log(`[bench] ${line}`);
