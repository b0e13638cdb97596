import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A node id for a process that was given none: `<hostname>-<pid>-<random>`. The hostname and
 * pid say in a log line which machine and process it is; the random part keeps it unique when
 * a pid is reused after a restart, or two containers share a hostname and a pid.
 * Always matches `NODE_ID_PATTERN` (`cluster.fields.ts`).
 */
export function generateNodeId(host = hostname(), pid = process.pid): string {
  // Keep the allowed characters only, and leave room for the pid and the random part.
  const name = host.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 40) || 'node';
  return `${name}-${pid}-${randomBytes(3).toString('hex')}`;
}
