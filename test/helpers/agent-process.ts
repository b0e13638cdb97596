import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A `harp http` agent in a process of its own, as a user runs it. */
export class AgentProcess {
  out = '';
  err = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * Starts `harp http <upstream> --server <server> --key <key> [args]` (tsx runs the same entry
   * that bin/harp.js loads from dist/) and waits until it printed its public URL.
   */
  static async start(upstream: string, server: string, key: string, args: string[] = []): Promise<AgentProcess> {
    const argv = ['--import', 'tsx', 'src/cli/bin-entry.ts', 'http', upstream, '--server', server, '--key', key, ...args];
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', HARP_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const agent = new AgentProcess(child);
    await eventually(() => agent.out.includes('Forwarding') || agent.child.exitCode !== null, 20_000, 'the agent to register');
    if (!agent.out.includes('Forwarding')) throw new Error(`harp http exited: ${agent.err}`);
    return agent;
  }

  /** Sends `signal` and waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
