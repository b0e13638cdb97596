import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { failWhenStalled, pseudoRandomStream, StreamDigest } from './byte-streams.js';
import { TEST_KEY } from './harness.js';
import type { Harness } from './harness.js';
import { MemoryProbe } from './memory-probe.js';
import { slowDownload } from './slow-download.js';

// Large transfers through a proxy whose memory a test measures: the agent and its upstream in a
// child process (transfer-agent.ts), the client here streaming and hashing as it goes, so that
// neither holds a body (see large-bodies.e2e-spec.ts).

/** The transfer agent (`transfer-agent.ts`) in a child process, and its IPC messages. */
export interface TransferChild {
  child: ChildProcess;
  messages: Array<Record<string, unknown>>;
  next(type: string): Promise<Record<string, unknown>>;
}

/** Starts the transfer agent on the proxy at `server`; resolves once its routes are registered. */
export async function startTransferAgent(server: string): Promise<TransferChild> {
  const script = fileURLToPath(new URL('./transfer-agent.ts', import.meta.url));
  const child = fork(script, [server, TEST_KEY], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  child.on('message', (m) => {
    messages.push(m as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = once(child, 'exit');
  const next = async (type: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const at = messages.findIndex((m) => m.type === type);
      if (at >= 0) return messages.splice(at, 1)[0]!;
      if (child.exitCode !== null) throw new Error(`transfer agent exited (${child.exitCode}) before "${type}"`);
      await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), exited]);
    }
  };
  await next('ready');
  return { child, messages, next };
}

/** Ends the transfer agent (it exits when its parent disconnects), or kills it after 3 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** POSTs `bytes` pseudo-random bytes; resolves with what was sent and the upstream's answer. */
export function upload(url: string, bytes: number, stallMs: number): Promise<{ sent: { bytes: number; sha256: string }; status: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const digest = new StreamDigest();
    const body = pseudoRandomStream(bytes, 'upload');
    body.on('data', (chunk: Buffer) => digest.update(chunk));
    const req = httpRequest(
      url,
      { method: 'POST', agent: false, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes } },
      (res) => {
        let answer = '';
        res.on('data', (c: Buffer) => (answer += c.toString()));
        res.on('end', () => {
          unwatch();
          resolve({ sent: digest.result(), status: res.statusCode!, answer });
        });
        res.on('error', reject);
      },
    );
    const unwatch = failWhenStalled(() => digest.bytes, stallMs, (err) => {
      req.destroy();
      reject(err);
    });
    req.on('error', reject);
    body.pipe(req);
  });
}

/** GETs a body as a slow client, and hashes it as it arrives. */
export async function download(url: string, stallMs: number): Promise<{ status: number; complete: boolean; bytes: number; sha256: string }> {
  const digest = new StreamDigest();
  const { status, complete } = await slowDownload(url, (chunk) => digest.update(chunk), stallMs);
  return { status, complete, ...digest.result() };
}

/** What a transfer measured by `whileProbing` gave: its result, the memory probe's figures and its duration. */
export interface Probed<T> {
  result: T;
  memory: ReturnType<MemoryProbe['stop']>;
  seconds: number;
}

/**
 * Runs `transfer` with a MemoryProbe sampling this process from just before it starts until it
 * ends (the probe is stopped by `h` too, should the transfer throw).
 */
export async function whileProbing<T>(h: Harness, transfer: () => Promise<T>): Promise<Probed<T>> {
  const probe = new MemoryProbe();
  h.defer(() => probe.stop());
  probe.start();
  const started = performance.now();
  const result = await transfer();
  const seconds = (performance.now() - started) / 1000;
  return { result, memory: probe.stop(), seconds };
}

/** Expects the upload of `size` bytes to have reached the upstream whole: its answer is what was sent. */
export function expectUploadIntact(result: Awaited<ReturnType<typeof upload>>, size: number): void {
  expect(result.status).toBe(200);
  expect(JSON.parse(result.answer)).toEqual(result.sent);
  expect(result.sent.bytes).toBe(size);
}

/** Expects the download of `size` bytes to have arrived whole: the bytes and hash the agent reported sending. */
export function expectDownloadIntact(
  result: Awaited<ReturnType<typeof download>>,
  sent: Record<string, unknown>,
  size: number,
): void {
  expect(sent.error).toBeUndefined();
  expect(result.status).toBe(200);
  expect(result.complete).toBe(true);
  expect({ bytes: result.bytes, sha256: result.sha256 }).toEqual({ bytes: sent.bytes, sha256: sent.sha256 });
  expect(result.bytes).toBe(size);
}
