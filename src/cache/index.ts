export { HarpCacheModule } from './cache.module.js';
export { HttpCacheStore, type HttpCacheStats } from './http-cache-store.js';
export { CacheBackend, createCacheBackend, type CacheBackendOptions } from './cache-backend.js';
export type { PurgeOptions } from './keyv-store.js';
export { MissCoalescer, type CoalesceTicket } from './coalescer.js';
export {
  isVariantIndex,
  type CachedResponse,
  type CacheValue,
  type PolicyObject,
  type VariantIndex,
} from './cache-entry.js';
export { CacheStoreError, type CacheStoreErrorCode } from './cache-store-error.js';
export { cacheKey, keyOrigin, normalizeAuthority, normalizeTarget } from './cache-key.js';
export { parseVary, secondaryKey, varySelector, type VaryNames } from './vary.js';
export { freshnessControl, TARGET_LIST, type FreshnessControl } from './targeted-cache-control.js';
export {
  appendCacheStatus,
  CACHE_NAME,
  formatCacheStatus,
  type CacheStatus,
  type ForwardReason,
} from './cache-status.js';
export {
  decide,
  forwardReason,
  lookupBypass,
  type CacheDecision,
  type ConditionalFields,
  type LookupBypass,
} from './cache-decision.js';
export {
  isStorable,
  storageVerdict,
  PER_CLIENT_FIELDS,
  DEFAULT_REVALIDATION_WINDOW_MS,
  type CacheRequest,
  type NotStoredReason,
  type RouteCacheOptions,
  type StorageOptions,
  type StorageVerdict,
} from './storability.js';
export { applyRevalidation, staleIfError, type RevalidationOutcome } from './revalidation.js';
export { clientHasCurrent, notModifiedFields } from './conditional.js';
export {
  createCachedResponse,
  currentAge,
  hitFields,
  storedFields,
  updatedFields,
  UNSTORED_FIELDS,
  type ResponseHead,
} from './cached-response.js';
export { invalidatedKeys } from './invalidation.js';
export { unkeyedRequestFields, UNKEYED_FIELDS_ALWAYS, UNKEYED_FIELDS_CACHEABLE } from './poisoning.js';
export { invalidate, lookupVariant, storeVariant, variantKey, type VariantLookup } from './variants.js';
export { freshnessTtl } from './freshness-ttl.js';
export { UncacheableMemo } from './uncacheable-memo.js';
