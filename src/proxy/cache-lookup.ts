import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { CachedResponse, CacheRequest, ConditionalFields, RouteCacheOptions, VariantLookup } from '../cache/index.js';
import type { ResponseHead } from '../protocol/index.js';
import type { TunnelBackend } from '../registration/tunnel-backend.js';
import type { ProxyExchange } from './proxy-exchange.js';

// What the caching proxy's steps hand each other. One object per step, not a row of positional
// parameters: the steps share most of their inputs, and named fields cannot be swapped unseen.

/** One request on its way through the cache. */
export interface CachedForward {
  readonly exchange: ProxyExchange;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly backend: TunnelBackend;
  /** The host the request was routed on, and its origin-form target. */
  readonly host: string | undefined;
  readonly target: string;
  readonly scheme: 'http' | 'https';
  readonly hasBody: boolean;
  readonly route: RouteCacheOptions;
  /** Request fields as forwarded (the ones `Vary` selects on). */
  readonly headers: IncomingHttpHeaders;
}

/** A GET or HEAD no backend can answer now, which the cache may answer from what it stored. */
export type OfflineRequest = Omit<CachedForward, 'backend' | 'hasBody'>;

/** A request the cache has looked up: under which key, as the policy sees it, and what was stored. */
export interface CacheLookup {
  readonly f: CachedForward;
  readonly key: string;
  readonly request: CacheRequest;
  readonly found: VariantLookup;
}

/** A lookup that found nothing usable: the backend is asked, and the answer may be stored. */
export interface CacheMiss extends CacheLookup {
  readonly fwd: 'uri-miss' | 'vary-miss' | 'miss';
  /** Lets the requests collapsed behind this one go on; only the coalescer's leader holds it. */
  readonly release?: () => void;
  /** Set when this request waited for another one's fetch (`Cache-Status` §2.6). */
  readonly collapsed?: boolean;
}

/** A stored response to be checked with the backend, and the conditional fields that ask. */
export interface CacheRevalidation extends CacheLookup {
  readonly entry: CachedResponse;
  readonly conditional: ConditionalFields;
}

/** How a response that may fill the cache is reported in `Cache-Status`. */
export interface FillStatus {
  readonly fwd: 'uri-miss' | 'vary-miss' | 'miss' | 'stale' | 'request';
  readonly collapsed?: boolean;
}

/** A response the backend sent for a looked-up request, which may be stored as it streams. */
export interface CacheFill {
  readonly lookup: CacheLookup;
  readonly head: ResponseHead;
  /** The response's end-to-end fields, in Node's raw form. */
  readonly raw: readonly string[];
  readonly status: FillStatus;
  /** Runs once storing is over, or when it does not start. */
  readonly done: () => void;
}

/** A POST's response head, which may be stored for later GETs of its target URI. */
export interface PostResponse {
  readonly f: CachedForward;
  /** The POST's target URI as a cache key. */
  readonly key: string;
  readonly request: CacheRequest;
  readonly head: ResponseHead;
  /** The response's end-to-end fields, in Node's raw form. */
  readonly raw: readonly string[];
  /** Settles once the POST's invalidations (RFC 9111 §4.4) are done. */
  readonly invalidated: Promise<void>;
}
