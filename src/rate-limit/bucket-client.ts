import { createRequire } from 'node:module';

/** Time to establish a connection before the attempt counts as failed. */
const CONNECT_TIMEOUT_MS = 2000;

/**
 * The Redis client of the rate-limit buckets: it connects in the background and reconnects
 * forever with capped, jittered backoff, so that the proxy starts and keeps serving with Redis
 * down; without the offline queue, a command sent while disconnected fails at once (and the
 * take falls back to memory) instead of waiting for Redis to return.
 *
 * `@redis/client` is loaded here, when a Redis is configured, not with the module: loading it
 * slows every `String.prototype.charCodeAt` of the process (see `cache/redis-store.ts`).
 */
export function createBucketClient(url: string, onError: (error: unknown) => void) {
  const require = createRequire(import.meta.url);
  const { createClient } = require('@redis/client') as typeof import('@redis/client');
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: backoff },
  });
  client.on('error', onError);
  client.connect().catch(() => undefined);
  return client;
}

/** Reconnect delays: 100 ms doubling to 2 s, with jitter so that proxies do not reconnect in step. */
function backoff(retries: number): number {
  return Math.min(100 * 2 ** retries, 2000) + Math.floor(Math.random() * 100);
}
