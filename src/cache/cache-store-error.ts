import { HarpError } from '../errors/index.js';

/**
 * Why a cache store operation failed. None of these ever reaches a client: a failed lookup is a
 * miss and a failed write is skipped (`HttpCacheStore`).
 * - `store_timeout`: the store did not answer within `cacheStoreTimeoutMs`;
 * - `store_failed`: the store answered with an error (connection refused, offline, …);
 * - `store_unavailable`: skipped without asking, because the store is failing (see `StoreHealth`);
 * - `store_closed`: the module is shutting down;
 * - `entry_corrupt`: a stored value could not be decoded;
 * - `entry_too_large`: the value does not fit the in-memory store at all.
 */
export type CacheStoreErrorCode =
  | 'store_timeout'
  | 'store_failed'
  | 'store_unavailable'
  | 'store_closed'
  | 'entry_corrupt'
  | 'entry_too_large';

/** A failed cache store operation, with a stable {@link CacheStoreErrorCode} and the cause kept. */
export class CacheStoreError extends HarpError<CacheStoreErrorCode> {
  constructor(code: CacheStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }

  /** `error` as a CacheStoreError: itself if it is one, else `store_failed` with it as cause. */
  static from(error: unknown, operation: string): CacheStoreError {
    if (error instanceof CacheStoreError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new CacheStoreError('store_failed', `${operation} failed: ${reason}`, { cause: error });
  }
}
