import { createRequire } from 'node:module';

/** A node-redis client as the directory uses it. */
export type RedisClient = ReturnType<typeof createDirectoryClient>;

/** Time to establish a connection before the attempt counts as failed. */
const CONNECT_TIMEOUT_MS = 2000;

/**
 * A client for the directory: it connects in the background and reconnects forever with
 * capped, jittered backoff, so that a node starts and keeps serving with Redis down; without
 * the offline queue, a command sent while disconnected fails at once instead of piling up
 * (the directory keeps its own pending state instead, see `cluster-directory.ts`).
 *
 * `@redis/client` is loaded here, when cluster mode first needs it, and not with the module:
 * merely loading it slows every `String.prototype.charCodeAt` of the process (see
 * `cache/redis-store.ts`), which a proxy without cluster mode must not pay.
 */
export function createDirectoryClient(url: string, onError: (error: unknown) => void) {
  const require = createRequire(import.meta.url);
  const { createClient: create } = require('@redis/client') as typeof import('@redis/client');
  const client = create({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: backoff },
  });
  client.on('error', onError);
  return client;
}

const BACKOFF_CAP_MS = 2000;
const BACKOFF_JITTER_MS = 100;

/** The longest wait between two connection attempts: how far apart nodes may reconnect. */
export const RECONNECT_MAX_DELAY_MS = BACKOFF_CAP_MS + BACKOFF_JITTER_MS;

/** Reconnect delays: 100 ms doubling to 2 s, with jitter so that nodes do not reconnect in step. */
function backoff(retries: number): number {
  return Math.min(100 * 2 ** retries, BACKOFF_CAP_MS) + Math.floor(Math.random() * BACKOFF_JITTER_MS);
}

/** `operation`, or a rejection once `ms` have passed; a late rejection is observed, never unhandled. */
export function withTimeout<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  operation.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}
