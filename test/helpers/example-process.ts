import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * One of `examples/` in a process of its own, run as its README says: `node --import tsx`, with
 * tsx told to use tsconfig.check.json, whose `paths` make `harp-proxy/*` mean the sources here.
 */
export class ExampleProcess {
  out = '';
  err = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts `examples/<name>/main.ts` with `env` and waits until it printed `ready`. */
  static async start(name: string, env: Record<string, string>, ready: RegExp): Promise<ExampleProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', `examples/${name}/main.ts`], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: 'tsconfig.check.json', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const example = new ExampleProcess(child);
    await eventually(() => ready.test(example.out) || child.exitCode !== null, 20_000, `examples/${name} to start`);
    if (!ready.test(example.out)) throw new Error(`examples/${name} exited:\n${example.out}${example.err}`);
    return example;
  }

  /** Sends `signal` and waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
