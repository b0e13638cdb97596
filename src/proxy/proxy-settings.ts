import type { HarpConfig } from '../config/index.js';
import { FORWARDING_FIELDS, TrustedProxies } from './forwarding.js';

/**
 * Most header fields a request may have (431 above it). Node's parser keeps only the first
 * `maxHeadersCount` fields and silently drops the rest, framing fields included, so the server
 * is told to keep one more than this and a request that reaches it is refused rather than
 * forwarded with fields missing. Real clients send a few dozen.
 */
export const MAX_REQUEST_HEADER_FIELDS = 256;

/** What every exchange needs from the configuration, computed once. */
export interface ProxySettings {
  readonly requestTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly maxHeaderFields: number;
  readonly trustedProxies: TrustedProxies;
  /** Request fields never forwarded as received: forwarding facts, the request id, `Expect`. */
  readonly droppedRequestFields: ReadonlySet<string>;
}

export function proxySettings(config: HarpConfig): ProxySettings {
  return {
    requestTimeoutMs: config.requestTimeoutMs,
    maxBodyBytes: config.maxBodyBytes,
    maxHeaderFields: MAX_REQUEST_HEADER_FIELDS,
    trustedProxies: new TrustedProxies(config.trustedProxies),
    // `Expect: 100-continue` is answered by the proxy itself; passing it on would make the
    // agent's client wait for a second 100.
    droppedRequestFields: new Set([...FORWARDING_FIELDS, 'x-request-id', 'expect']),
  };
}
