import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * What `harp http --subdomain random --reuse-url` keeps between runs: the latest reconnect token
 * per set of settings, in `$XDG_STATE_HOME/harp/urls.json` (default `~/.local/state/harp/`),
 * readable by its owner only. The key is a digest of the settings, so the file holds neither
 * agent keys nor server names; the tokens are worth nothing to another key.
 */

/** The most entries kept; the oldest go first. */
const MAX_ENTRIES = 100;

interface StateFile {
  [settings: string]: { token: string; savedAt: number };
}

/** The state file's path, from the environment the command runs in. */
export function urlStatePath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'harp', 'urls.json');
}

/** Which entry a run uses: the same proxies, key, local server and path get the same name back. */
export function urlStateKey(settings: { servers: readonly string[]; key: string; upstream: string; path: string }): string {
  const text = JSON.stringify([[...settings.servers].sort(), settings.key, settings.upstream, settings.path]);
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function read(file: string): StateFile {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as StateFile) : {};
  } catch {
    return {}; // none yet, or unreadable: a fresh name then
  }
}

/** The token saved for `key`, if any. */
export function savedToken(file: string, key: string): string | undefined {
  const entry = read(file)[key];
  return typeof entry?.token === 'string' ? entry.token : undefined;
}

/** Saves `token` for `key`; written to a temporary file and renamed, so a crash leaves the old file whole. */
export function saveToken(file: string, key: string, token: string, now = Date.now()): void {
  const state = read(file);
  state[key] = { token, savedAt: now };
  const kept = Object.entries(state)
    .sort(([, a], [, b]) => b.savedAt - a.savedAt)
    .slice(0, MAX_ENTRIES);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(Object.fromEntries(kept), null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
