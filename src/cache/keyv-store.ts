import { Keyv } from 'keyv';
import type { StoredData } from './entry-codec.js';

/** Size facts a store can give; undefined where it cannot know them cheaply. */
export interface StoreCounts {
  readonly entries?: number;
  readonly bytes?: number;
  readonly evictions?: number;
}

/** Options of a purge. */
export interface PurgeOptions {
  /**
   * A prefix every matching key starts with, if one is known: lets Redis filter on the server
   * (`SCAN … MATCH`) instead of sending every key back. `match` still decides.
   */
  readonly keyPrefix?: string;
}

/**
 * A Keyv storage adapter as HARP's stores implement it. Keyv is built with `serialize` and
 * `deserialize` off (see {@link keyvOver}), so `set` receives Keyv's `{ value, expires }`
 * envelope as an object and whatever non-string `get` returns is used as that envelope (keyv 5.6
 * `serializeData`/`deserializeData` and `get`), which keeps bodies as Buffers end to end.
 */
export interface HarpKeyvStore {
  /** Keyv assigns its namespace here; HARP's stores prefix keys themselves and ignore it. */
  namespace?: string;
  get(key: string): Promise<StoredData | undefined>;
  /**
   * What `get` would resolve to, read at once, for a store that holds its data in this process
   * (the memory store); absent for stores that must ask elsewhere.
   */
  peek?(key: string): StoredData | undefined;
  /** @param ttl milliseconds; HARP always passes one */
  set(key: string, data: StoredData, ttl?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  clear(): Promise<void>;
  /** Deletes every key `match` accepts; see {@link PurgeOptions}. Returns how many went. */
  purge(match: (key: string) => boolean, options?: PurgeOptions): Promise<number>;
  /** Resolves when the store answers (Redis: PING within `timeoutMs`); rejects otherwise. */
  ping(timeoutMs: number): Promise<void>;
  /** Releases connections; idempotent. */
  disconnect(): Promise<void>;
  counts(): StoreCounts;
}

/**
 * A Keyv instance over `store` that passes values through untouched: no serialization, no key
 * prefix of its own (the store prefixes, so keys never get two namespaces), and errors thrown
 * rather than swallowed, so that a failed write is known to have failed.
 */
export function keyvOver(store: HarpKeyvStore): Keyv {
  return new Keyv({
    store: store as never,
    namespace: undefined,
    useKeyPrefix: false,
    serialize: undefined,
    deserialize: undefined,
    throwOnErrors: true,
    // Errors reach callers as rejections; Keyv's 'error' events would only duplicate them.
    emitErrors: false,
  });
}
