// wrk as the load generator, when it is installed: a C client with its own threads, so that the
// direct baseline is not capped by a JavaScript client sharing the cores with what is measured.
// The bench installs nothing: without wrk, the caller falls back to autocannon (measure.ts).
import { execFile, spawnSync } from 'node:child_process';
import type { LoadResult } from './measure.js';

/** Whether `wrk` runs on this machine. */
export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['-v'], { stdio: 'ignore' }).error === undefined;
}

/** One wrk run: `connections` keep-alive connections on 2 threads (at most one per connection). */
export function runWrk(opts: { url: string; connections: number; seconds: number; bodyBytes: number }): Promise<LoadResult> {
  const threads = Math.min(2, opts.connections);
  const args = [`-t${threads}`, `-c${opts.connections}`, `-d${opts.seconds}s`, '--timeout', '30s', '--latency', opts.url];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) return reject(new Error(`wrk ${args.join(' ')} failed: ${err.message}`));
      try {
        resolve(parseWrk(stdout, opts));
      } catch (parseError) {
        reject(parseError instanceof Error ? new Error(`${parseError.message}; wrk printed:\n${stdout}`) : parseError);
      }
    });
  });
}

const TIME_UNITS: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** wrk's report as a {@link LoadResult}; its sizes are binary (1 MB = 2^20 bytes). */
export function parseWrk(text: string, opts: { url: string; connections: number; bodyBytes: number }): LoadResult {
  const totals = /(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)(B|KB|MB|GB|TB) read/.exec(text);
  if (!totals) throw new Error('no "N requests in T, S read" line in wrk output');
  const requests = Number(totals[1]);
  const seconds = (Number(totals[2]) * TIME_UNITS[totals[3]!]!) / 1000;
  const bytes = Number(totals[4]) * SIZE_UNITS[totals[5]!]!;
  const percentile = (p: number): number => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(text);
    return m ? Number(m[1]) * TIME_UNITS[m[2]!]! : NaN;
  };
  const mean = /^\s+Latency\s+([\d.]+)(us|ms|s|m|h)\s/m.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const timeouts = socket ? Number(socket[4]) : 0;
  const errors = socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) + timeouts : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const problems: string[] = [];
  if (requests === 0) problems.push('no request completed');
  if (errors) problems.push(`${errors} socket errors (${timeouts} timeouts)`);
  if (non2xx) problems.push(`${non2xx} non-2xx responses`);
  // wrk does not check bodies; a short average means responses were cut.
  if (requests > 0 && bytes / requests < opts.bodyBytes * 0.99) {
    problems.push(`responses average ${Math.round(bytes / requests)} bytes, body is ${opts.bodyBytes}`);
  }
  return {
    url: opts.url,
    connections: opts.connections,
    seconds,
    requests,
    bytes,
    requestsPerSec: requests / seconds,
    bytesPerSec: bytes / seconds,
    latencyP50Ms: percentile(50),
    latencyP99Ms: percentile(99),
    latencyMeanMs: mean ? Number(mean[1]) * TIME_UNITS[mean[2]!]! : NaN,
    errors,
    timeouts,
    non2xx,
    problems,
  };
}
