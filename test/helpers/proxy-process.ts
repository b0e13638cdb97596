import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_KEY } from './harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The standalone proxy (`src/main.ts`, what `harp serve` runs) in a child process of its own. */
export interface ProxyProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** How the process ended: its exit status, or the signal that killed it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The `msg` of every structured log line so far. */
  messages(): string[];
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

/**
 * Starts `src/main.ts` without a build (see swc-register.js) on 127.0.0.1 and a free port,
 * with the test key and `env` on top of a bare environment; resolves once its banner names the
 * port. Kill it in afterEach if the test did not stop it.
 */
export function startProxyProcess(env: Record<string, string> = {}): Promise<ProxyProcess> {
  const child = spawn(process.execPath, ['--import', './test/helpers/swc-register.js', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HARP_PORT: '0', HARP_HOST: '127.0.0.1', HARP_KEY: TEST_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const messages = (): string[] =>
    out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => String((JSON.parse(line) as { msg?: unknown }).msg));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the proxy did not start:\n${out}${err}`)), 20_000);
    const onData = (): void => {
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({ child, url: `http://127.0.0.1:${port}`, exited, messages, stderr: () => err });
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the proxy exited (${code ?? signal}) before it listened:\n${out}${err}`));
    });
  });
}
