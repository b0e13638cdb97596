import { CacheStoreError } from './cache-store-error.js';

/**
 * `operation`, or a `store_timeout` CacheStoreError once `ms` have passed, whichever comes first.
 * The operation is not cancelled (a Redis command already written cannot be), but its late
 * outcome is observed so that a late rejection never surfaces as an unhandled one.
 */
export function bounded<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  operation.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CacheStoreError('store_timeout', `${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}
