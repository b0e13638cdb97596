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
} from './policy/cache-entry.js';
export { CacheStoreError, type CacheStoreErrorCode } from './cache-store-error.js';
export { cacheKey, keyOrigin, normalizeAuthority, normalizeTarget } from './policy/cache-key.js';
export { parseVary, secondaryKey, varySelector, type VaryNames } from './policy/vary.js';
export { freshnessControl, TARGET_LIST, type FreshnessControl } from './policy/targeted-cache-control.js';
export {
  appendCacheStatus,
  CACHE_NAME,
  formatCacheStatus,
  type CacheStatus,
  type ForwardReason,
} from './policy/cache-status.js';
export {
  decide,
  forwardReason,
  lookupBypass,
  type CacheDecision,
  type ConditionalFields,
  type LookupBypass,
} from './policy/cache-decision.js';
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
} from './policy/storability.js';
export { applyRevalidation, staleIfError, type RevalidationOutcome } from './policy/revalidation.js';
export { offlineVerdict, type OfflineOptions, type OfflineRefusal, type OfflineVerdict } from './policy/offline.js';
export { clientHasCurrent, notModifiedFields } from './policy/conditional.js';
export { ifRangeHolds, rangeAnswer, type RangeAnswer } from './policy/range-answer.js';
export {
  createCachedResponse,
  currentAge,
  hitFields,
  storedFields,
  updatedFields,
  UNSTORED_FIELDS,
  type ResponseHead,
} from './policy/cached-response.js';
export { invalidatedKeys } from './policy/invalidation.js';
export { unkeyedRequestFields, UNKEYED_FIELDS_ALWAYS, UNKEYED_FIELDS_CACHEABLE } from './policy/poisoning.js';
export { invalidate, lookupVariant, lookupVariantNow, storeVariant, variantKey, type VariantLookup } from './variants.js';
export { freshnessTtl } from './policy/freshness-ttl.js';
export { UncacheableMemo } from './uncacheable-memo.js';
