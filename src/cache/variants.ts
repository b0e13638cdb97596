import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isVariantIndex, type CachedResponse, type VariantIndex } from './policy/cache-entry.js';
import type { HttpCacheStore } from './http-cache-store.js';
import { NOT_AT_HAND } from './cache-backend.js';
import { secondaryKey } from './policy/vary.js';

/**
 * Storage of responses that vary (RFC 9111 §4.1). A response without `Vary` is stored under its
 * primary key. Responses with `Vary` store a {@link VariantIndex} (the selecting field names)
 * under the primary key, and each variant under `primary + '\n' + secondary`, where the
 * secondary key is the index generation and a digest of the request's values of those fields.
 * A lookup is then one read without `Vary`, two with.
 */

/** What a lookup found. */
export type VariantLookup =
  /** A stored response selected for the request, under `key`. */
  | { readonly entry: CachedResponse; readonly key: string; readonly index?: VariantIndex }
  /** Nothing for this URI (`uri-miss`), or nothing for this request's `Vary` values (`vary-miss`). */
  | { readonly entry?: undefined; readonly miss: 'uri-miss' | 'vary-miss'; readonly index?: VariantIndex };

/** The key of the variant that `index` selects for a request with these fields. */
export function variantKey(primaryKey: string, index: VariantIndex, headers: IncomingHttpHeaders): string {
  return `${primaryKey}\n${index.gen}.${secondaryKey(index.vary, headers)}`;
}

/**
 * Finds the stored response for a request: the entry under the primary key, or the variant its
 * index selects. Pass the request fields as forwarded to the backend.
 */
export async function lookupVariant(
  store: HttpCacheStore,
  primaryKey: string,
  headers: IncomingHttpHeaders,
): Promise<VariantLookup> {
  const value = await store.get(primaryKey);
  if (value === undefined) return { miss: 'uri-miss' };
  if (!isVariantIndex(value)) return { entry: value, key: primaryKey };
  const key = variantKey(primaryKey, value, headers);
  const variant = await store.get(key);
  if (variant === undefined || isVariantIndex(variant)) return { miss: 'vary-miss', index: value };
  return { entry: variant, key, index: value };
}

/**
 * {@link lookupVariant} answered synchronously when the store holds its data in this process,
 * or undefined when it must be asked asynchronously: then call `lookupVariant`.
 */
export function lookupVariantNow(store: HttpCacheStore, primaryKey: string, headers: IncomingHttpHeaders): VariantLookup | undefined {
  const value = store.getNow(primaryKey);
  if (value === NOT_AT_HAND) return undefined;
  if (value === undefined) return { miss: 'uri-miss' };
  if (!isVariantIndex(value)) return { entry: value, key: primaryKey };
  const key = variantKey(primaryKey, value, headers);
  const variant = store.getNow(key);
  // An index is counted neither as a hit nor as a miss: reading it again below costs no count.
  if (variant === NOT_AT_HAND) return undefined;
  if (variant === undefined || isVariantIndex(variant)) return { miss: 'vary-miss', index: value };
  return { entry: variant, key, index: value };
}

/** One response to store for one request ({@link storeVariant}). */
export interface VariantWrite {
  readonly primaryKey: string;
  /** The request's fields as forwarded to the backend: the ones `Vary` selects on. */
  readonly headers: IncomingHttpHeaders;
  readonly entry: CachedResponse;
  /** The verdict's lowercased, sorted `Vary` names (`storageVerdict`). */
  readonly vary: readonly string[];
  readonly ttlMs: number;
  /** The index the lookup found, if any. */
  readonly index?: VariantIndex;
  /** @default Date.now() */
  readonly now?: number;
}

/**
 * Stores a response under the primary key, or as a variant when it varies. `index` is the one
 * the lookup found, if any: it is reused while the `Vary` names are the same, so that sibling
 * variants stay reachable, and rewritten only to extend its lifetime to cover the new variant.
 * A response whose `Vary` names differ, or that no longer varies, starts over: older variants
 * become unreachable and expire.
 *
 * @returns whether the response was stored (and, for a variant, its index)
 */
export async function storeVariant(store: HttpCacheStore, write: VariantWrite): Promise<boolean> {
  const { primaryKey, headers, entry, vary, ttlMs, index, now = Date.now() } = write;
  if (vary.length === 0) return store.set(primaryKey, entry, ttlMs);
  const current =
    index !== undefined && index.expiresAt > now && sameNames(index.vary, vary)
      ? index
      : { vary: [...vary], gen: randomBytes(9).toString('base64url'), expiresAt: 0 };
  // The variant first: an index never points at a variant that was never written.
  if (!(await store.set(variantKey(primaryKey, current, headers), entry, ttlMs))) return false;
  const expiresAt = Math.max(current.expiresAt, now + Math.ceil(ttlMs));
  if (expiresAt === current.expiresAt) return true;
  return store.set(primaryKey, { vary: current.vary, gen: current.gen, expiresAt }, expiresAt - now);
}

/** Deletes primary keys (from `invalidatedKeys`); their variants become unreachable with them. */
export async function invalidate(store: HttpCacheStore, primaryKeys: readonly string[]): Promise<void> {
  await Promise.all(primaryKeys.map((key) => store.delete(key)));
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
