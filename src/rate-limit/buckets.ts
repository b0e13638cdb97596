import { createRequire } from 'node:module';
import type * as Flexible from 'rate-limiter-flexible';
import type { RateLimiterAbstract, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Rate } from '../protocol/rate-limit.js';

/**
 * rate-limiter-flexible, loaded with the first bucket: most proxies configure no rate limit,
 * and loading it at start-up costs every proxy ~1.3 MiB of heap (docs/performance.md).
 */
let flexible: typeof Flexible | undefined;
function rateLimiterFlexible(): typeof Flexible {
  return (flexible ??= createRequire(import.meta.url)('rate-limiter-flexible') as typeof Flexible);
}

/** What a bucket said to one request. */
export interface Take {
  readonly allowed: boolean;
  /** ms until the bucket's window ends and it is full again. */
  readonly msBeforeNext: number;
}

/**
 * Token buckets by key, over rate-limiter-flexible: each key holds `rate.limit` tokens, a request
 * takes one, and the bucket fills up again all at once when its window (`rate.windowSeconds`,
 * from the key's first request) ends. That is rate-limiter-flexible's fixed window: a token
 * bucket refilled in one step per window rather than continuously, so a client may spend up to
 * twice the limit across the boundary of two windows, never more.
 */
export interface Buckets {
  take(key: string, rate: Rate): Promise<Take>;
  close(): Promise<void>;
}

/** rate-limiter-flexible settles a refusal with a `RateLimiterRes`, a store failure with an Error. */
function settle(limiter: RateLimiterAbstract, key: string): Promise<Take> {
  return limiter.consume(key).then(
    (res) => ({ allowed: true, msBeforeNext: res.msBeforeNext }),
    (refusal: unknown) => {
      if (refusal instanceof rateLimiterFlexible().RateLimiterRes) return { allowed: false, msBeforeNext: refusal.msBeforeNext };
      throw refusal;
    },
  );
}

/** One limiter per rate: rate-limiter-flexible fixes points and duration per instance. */
class LimiterPerRate<L extends RateLimiterAbstract> {
  private readonly limiters = new Map<string, L>();
  constructor(private readonly make: (rate: Rate) => L) {}

  for(rate: Rate): L {
    const id = `${rate.limit}/${rate.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) this.limiters.set(id, (limiter = this.make(rate)));
    return limiter;
  }
}

/** The buckets of one process, in its memory (expired ones are dropped by their own timers). */
export class MemoryBuckets implements Buckets {
  private readonly limiters = new LimiterPerRate((rate) => new (rateLimiterFlexible().RateLimiterMemory)({ points: rate.limit, duration: rate.windowSeconds }));

  take(key: string, rate: Rate): Promise<Take> {
    return settle(this.limiters.for(rate), key);
  }

  async close(): Promise<void> {}
}

/** A node-redis client as the Redis buckets use it. */
export interface BucketClient {
  destroy(): void;
}

/** What the Redis buckets report while Redis is away and when it is back. */
export interface FallbackEvents {
  /** A take went to the memory buckets because Redis failed or was slow (`error`). */
  fellBack(error: unknown): void;
  /** A take reached Redis again after some fell back. */
  recovered(): void;
}

/**
 * Buckets in Redis, shared by every proxy that uses the same Redis and prefix (keys
 * `<redisPrefix>ratelimit:<bucket key>`, each with its window as TTL), so that a cluster counts
 * one client once however its requests are spread.
 *
 * Redis being away never fails a request: a take that fails or takes longer than `timeoutMs`
 * is answered by this process's memory buckets instead (the client has no offline queue, so
 * while disconnected a take fails at once). Meanwhile each node counts alone, so a client may
 * get up to the limit from every node; the shared counts resume when Redis answers again.
 */
export class RedisBuckets implements Buckets {
  private readonly limiters: LimiterPerRate<RateLimiterRedis>;
  private readonly fallback = new MemoryBuckets();
  private failing = false;
  /** Set by {@link close}: what is still checked during the shutdown counts in memory, quietly. */
  private closed = false;

  constructor(
    private readonly client: BucketClient,
    keyPrefix: string,
    private readonly timeoutMs: number,
    private readonly events: FallbackEvents,
  ) {
    this.limiters = new LimiterPerRate(
      (rate) =>
        new (rateLimiterFlexible().RateLimiterRedis)({
          storeClient: client,
          useRedisPackage: true,
          // Not ready (connecting, reconnecting): fail at once, to the fallback.
          rejectIfRedisNotReady: true,
          // rate-limiter-flexible joins prefix and key with ':'.
          keyPrefix: keyPrefix.endsWith(':') ? keyPrefix.slice(0, -1) : keyPrefix,
          points: rate.limit,
          duration: rate.windowSeconds,
        }),
    );
  }

  async take(key: string, rate: Rate): Promise<Take> {
    if (this.closed) return this.fallback.take(key, rate);
    try {
      const take = await withTimeout(settle(this.limiters.for(rate), key), this.timeoutMs);
      if (this.failing) {
        this.failing = false;
        this.events.recovered();
      }
      return take;
    } catch (error) {
      this.failing = true;
      this.events.fellBack(error);
      return this.fallback.take(key, rate);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.destroy();
  }
}

/** `operation`, or a rejection once `ms` have passed; a late settlement is observed, never unhandled. */
function withTimeout<T>(operation: Promise<T>, ms: number): Promise<T> {
  operation.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}
