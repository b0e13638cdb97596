import type { HarpConfig } from '../config/index.js';
import { unkeyedRequestFields } from '../cache/policy/poisoning.js';
import { CLUSTER_HOP_FIELDS } from '../http/cluster-hop.js';
import { FORWARDING_FIELDS, TrustedProxies } from '../http/forwarding.js';
import { ForwardingMemo } from '../http/forwarding-memo.js';
import type { LingerOptions } from './lingering-close.js';

/**
 * Most header fields a request may have (431 above it). Node's parser keeps only the first
 * `maxHeadersCount` fields and silently drops the rest, framing fields included, so the server
 * is told to keep one more than this and a request that reaches it is refused rather than
 * forwarded with fields missing. Real clients send a few dozen.
 */
export const MAX_REQUEST_HEADER_FIELDS = 256;

// `Expect` as received is never passed on: the proxy answers `100-continue` itself, or, through
// a tunnel with the `continue` feature, the exchange puts back exactly `Expect: 100-continue`
// for the backend to answer (expect-continue.ts); Node refuses any other expectation with 417.
// The cluster hop's fields are for the internal listener alone, which removes them; a client
// that sends them gets them dropped here.
const DROPPED_ALWAYS = [...FORWARDING_FIELDS, ...CLUSTER_HOP_FIELDS, 'x-request-id', 'expect'];
const DROPPED_OTHER: ReadonlySet<string> = new Set([...DROPPED_ALWAYS, ...unkeyedRequestFields('POST')]);
const DROPPED_CACHEABLE: ReadonlySet<string> = new Set([...DROPPED_ALWAYS, ...unkeyedRequestFields('GET')]);

/** What every exchange needs from the configuration, computed once. */
export interface ProxySettings {
  readonly requestTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly maxHeaderFields: number;
  readonly trustedProxies: TrustedProxies;
  /** The forwarding fields of each connection's requests, over {@link trustedProxies}. */
  readonly forwarding: ForwardingMemo;
  /** How a connection answered mid-upload lingers before it closes. */
  readonly linger: LingerOptions;
  /**
   * Request fields never forwarded as received: forwarding facts, the request id, `Expect`, and
   * the unkeyed fields that could poison the cache (more of them for cacheable methods).
   */
  droppedRequestFields(method: string): ReadonlySet<string>;
}

export function proxySettings(config: HarpConfig): ProxySettings {
  const trustedProxies = new TrustedProxies(config.trustedProxies);
  return {
    requestTimeoutMs: config.requestTimeoutMs,
    maxBodyBytes: config.maxBodyBytes,
    maxHeaderFields: MAX_REQUEST_HEADER_FIELDS,
    trustedProxies,
    forwarding: new ForwardingMemo(trustedProxies),
    linger: { idleMs: config.lingeringTimeoutMs, maxMs: config.lingeringTimeMs, maxBytes: config.lingeringMaxBytes },
    droppedRequestFields: (method) => (method === 'GET' || method === 'HEAD' ? DROPPED_CACHEABLE : DROPPED_OTHER),
  };
}
