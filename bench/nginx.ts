// The nginx reference proxy, when nginx is installed: started in the foreground as a child of
// the bench, with a generated configuration in a temporary directory (nginx-config.ts).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { nginxConfig, WORKER_PROCESSES } from './nginx-config.js';
import { freePort, httpGet, sleep, track } from './processes.js';

/** nginx's binary, if one runs here: on PATH, or where Debian puts it (/usr/sbin, not on a user's PATH). */
export function findNginx(): { bin: string; version: string } | undefined {
  for (const bin of ['nginx', '/usr/sbin/nginx']) {
    const r = spawnSync(bin, ['-v'], { encoding: 'utf8' });
    if (r.error === undefined && r.status === 0) return { bin, version: /nginx\/(\S+)/.exec(r.stderr)?.[1] ?? 'unknown' };
  }
  return undefined;
}

export interface NginxReference {
  child: ChildProcess;
  url: string;
  version: string;
  workers: number;
  /** The configuration it runs, for the JSON. */
  config: string;
  /** Its error log so far (empty when all went well). */
  errorLog(): string;
  /** Removes the temporary directory; call after the child has stopped. */
  cleanUp(): void;
}

/** Starts nginx in front of `upstreamUrl` and waits until a GET through it answers 200. */
export async function startNginx(bin: { bin: string; version: string }, upstreamUrl: string): Promise<NginxReference> {
  const dir = mkdtempSync(join(tmpdir(), 'harp-bench-nginx-'));
  const port = await freePort();
  // As root, nginx would run its workers as `nobody`, which cannot write to our directory.
  const user = process.getuid?.() === 0 ? userInfo().username : undefined;
  const config = nginxConfig({ dir, listenPort: port, upstreamPort: Number(new URL(upstreamUrl).port), user });
  writeFileSync(join(dir, 'nginx.conf'), config);
  // -e: the error log before the configuration is read (the built-in default may be a root-owned file).
  const child = track(
    'nginx',
    spawn(bin.bin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'inherit'], detached: true }),
    { group: true },
  );
  const errorLog = (): string => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while ((await httpGet(`${url}/1k`).catch(() => undefined))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url}; its error log:\n${errorLog()}`);
    await sleep(100);
  }
  return { child, url, version: bin.version, workers: WORKER_PROCESSES, config, errorLog, cleanUp: () => rmSync(dir, { recursive: true, force: true }) };
}
