import type CachePolicy from 'http-cache-semantics';

/** What `CachePolicy.toObject()` returns: the stored half of a policy, revived per request. */
export type PolicyObject = CachePolicy.CachePolicyObject;

/**
 * One stored response (RFC 9111 §3).
 *
 * Entries are immutable once stored. The in-memory store hands every reader the same object and
 * the very same `body` bytes: never write into `body` (Buffers cannot be frozen) and never edit
 * `headers`; build new lists instead. The Redis store returns a fresh copy on every read.
 */
export interface CachedResponse {
  /** Status code of the stored response. */
  readonly status: number;
  /** Reason phrase as received ('' when there was none). */
  readonly reason: string;
  /**
   * Header fields in Node's raw form `[name, value, …]`, with their original spelling, order and
   * repeats, minus the fields a cache must not or need not replay (see `storedFields`):
   * hop-by-hop fields, `Set-Cookie`, `Age` and `X-Request-ID`.
   */
  readonly headers: readonly string[];
  /** The freshness policy (http-cache-semantics), without request fields (see `policy-input.ts`). */
  readonly policy: PolicyObject;
  /** The complete body. Treated as immutable: see above. */
  readonly body: Buffer;
  /** When the entry was stored, in ms since the epoch. */
  readonly storedAt: number;
}

/**
 * What is stored under a primary key whose responses carry `Vary` (RFC 9111 §4.1): the
 * selecting field names. Each variant lives under `variantKey(primary, index, secondary)`.
 */
export interface VariantIndex {
  /** Lowercased, sorted field names from `Vary`. */
  readonly vary: readonly string[];
  /**
   * A generation id, part of every variant key. Invalidating the primary key deletes the index,
   * so variants stored before it become unreachable even if a new index with the same names is
   * stored later (otherwise an old variant would come back after a PUT).
   */
  readonly gen: string;
  /** When the index expires (ms since the epoch): the latest expiry of its variants. */
  readonly expiresAt: number;
}

/** Anything the HTTP cache stores. */
export type CacheValue = CachedResponse | VariantIndex;

/** Distinguishes the two kinds of stored value. */
export function isVariantIndex(value: CacheValue): value is VariantIndex {
  return (value as Partial<CachedResponse>).body === undefined && Array.isArray((value as VariantIndex).vary);
}

/** Bytes a stored value is accounted as: the body, the header text and a fixed allowance. */
export function entrySize(value: CacheValue): number {
  // Roughly the policy object, the entry itself and the LRU's bookkeeping.
  const overhead = 512;
  if (isVariantIndex(value)) return overhead + value.gen.length + value.vary.reduce((n, name) => n + name.length, 0);
  let headerBytes = 0;
  for (const field of value.headers) headerBytes += field.length;
  return overhead + value.body.byteLength + headerBytes + value.reason.length;
}
