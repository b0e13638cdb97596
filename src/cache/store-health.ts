import type { CacheStoreError } from './cache-store-error.js';

/** Where {@link StoreHealth} reports outages: Nest's `Logger` fits. */
export interface HealthLogger {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * Tracks whether a cache store works, so that a failing store costs neither time nor log volume:
 *
 * - every operation that could not use the store (failed, timed out, or skipped) is counted in
 *   {@link storeErrors};
 * - the first failure of an outage logs one warning, the first success after it one message;
 * - while the store is failing, operations are skipped without asking it ({@link admit} is
 *   false), except one probe per `retryMs`, so that requests do not each wait for the timeout
 *   while Redis is unreachable or stalled.
 */
export class StoreHealth {
  private errors = 0;
  private down = false;
  private retryAt = 0;

  constructor(
    private readonly name: string,
    private readonly logger: HealthLogger,
    private readonly retryMs = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Operations that could not use the store since start-up. */
  get storeErrors(): number {
    return this.errors;
  }

  /** True while the store is considered working. */
  get healthy(): boolean {
    return !this.down;
  }

  /**
   * Whether to send an operation to the store now: always while healthy; while failing, once per
   * `retryMs` (a probe). A refused operation counts as a store error.
   */
  admit(): boolean {
    if (!this.down) return true;
    const now = this.clock();
    if (now >= this.retryAt) {
      this.retryAt = now + this.retryMs;
      return true;
    }
    this.errors++;
    return false;
  }

  /** An operation failed or timed out. */
  failed(error: CacheStoreError): void {
    this.errors++;
    this.markDown(error.message);
  }

  /** A stored value could not be decoded: counted, but the store itself works. */
  unreadable(): void {
    this.errors++;
  }

  /** The store's client reported a problem outside any operation (e.g. the connection broke). */
  troubled(error: unknown): void {
    this.markDown(error instanceof Error ? error.message : String(error));
  }

  /** An operation succeeded, or the client (re)connected. */
  succeeded(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log(`Cache store ${this.name} is working again; responses are cached again`);
  }

  private markDown(reason: string): void {
    this.retryAt = this.clock() + this.retryMs;
    if (this.down) return;
    this.down = true;
    this.logger.warn(
      `Cache store ${this.name} is failing (${reason}); requests are forwarded uncached until it recovers`,
    );
  }
}
