import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { eventually } from './eventually.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** A `harp http` or `harp start` agent in a process of its own, as a user runs it. */
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
    return AgentProcess.registered(AgentProcess.spawn(['http', upstream, '--server', server, '--key', key, ...args]));
  }

  /**
   * Starts `harp start <file>` in `cwd` (default: the repository) with `env` added to the
   * environment, and waits until it printed its public URLs.
   */
  static async startFile(file: string, env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<AgentProcess> {
    return AgentProcess.registered(AgentProcess.spawn(['start', file], env, cwd));
  }

  /** Runs `harp <args>` without waiting for anything: for the ones that fail. */
  static spawn(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): AgentProcess {
    // tsx is loaded from the repository, whatever the working directory.
    const argv = ['--import', TSX, join(ROOT, 'src/cli/bin-entry.ts'), ...args];
    const child = spawn(process.execPath, argv, {
      cwd,
      env: { ...process.env, NODE_OPTIONS: '', HARP_KEY: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AgentProcess(child);
  }

  private static async registered(agent: AgentProcess): Promise<AgentProcess> {
    await eventually(() => agent.out.includes('Forwarding') || agent.child.exitCode !== null, 20_000, 'the agent to register');
    if (!agent.out.includes('Forwarding')) throw new Error(`harp exited: ${agent.err}`);
    return agent;
  }

  /** Sends `signal` and waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
