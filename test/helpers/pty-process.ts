import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** util-linux `script`, the pseudo-terminal these tests run a command in; undefined when missing. */
export function scriptCommand(): string | undefined {
  try {
    return execFileSync('which', ['script'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

// Built from a string: a regular expression literal may not hold a control character (lint).
const CSI = new RegExp(`${'\x1b'}\\[[0-9;?]*[A-Za-z]`, 'g');

/** ECMA-48 control sequences (CSI … final byte) and carriage returns: what a screen shows of `text`, roughly. */
export function plainText(text: string): string {
  return text.replace(CSI, '').replace(/\r/g, '');
}


/**
 * A command in a pseudo-terminal of `columns` columns, as a person runs it in a terminal:
 * `script -qfec` gives it a terminal for stdin, stdout and stderr, and copies what it writes
 * (escape sequences included) to `out`. Keys typed go through the terminal: `\x03` is Ctrl-C,
 * which the terminal turns into SIGINT for the command.
 */
export class PtyProcess {
  out = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** `harp <args>` from source (tsx, as agent-process.ts runs it) in a terminal `columns` wide. */
  static harp(args: readonly string[], options: { columns?: number; env?: NodeJS.ProcessEnv } = {}): PtyProcess {
    const script = scriptCommand();
    if (!script) throw new Error('util-linux "script" is not installed: it is the pseudo-terminal of this test');
    const command = ['node', '--import', 'tsx', 'src/cli/bin-entry.ts', ...args].map(quote).join(' ');
    const shell = `stty cols ${options.columns ?? 100} rows 40; exec ${command}`;
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', HARP_KEY: '', NO_COLOR: '', TERM: 'xterm-256color', SHELL: '/bin/sh', ...options.env };
    const child = spawn(script, ['-qfec', shell, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    return new PtyProcess(child);
  }

  /** What the screen shows so far, without escape sequences. */
  get text(): string {
    return plainText(this.out);
  }

  /** Types `keys` into the terminal. */
  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  /** Ends the terminal and its command now, if still running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
