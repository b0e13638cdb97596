import type { HarpConfig } from '../config/index.js';
import { FORWARDING_FIELDS, TrustedProxies } from './forwarding.js';

/** What every exchange needs from the configuration, computed once. */
export interface ProxySettings {
  readonly requestTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly trustedProxies: TrustedProxies;
  /** Request fields never forwarded as received: forwarding facts, the request id, `Expect`. */
  readonly droppedRequestFields: ReadonlySet<string>;
}

export function proxySettings(config: HarpConfig): ProxySettings {
  return {
    requestTimeoutMs: config.requestTimeoutMs,
    maxBodyBytes: config.maxBodyBytes,
    trustedProxies: new TrustedProxies(config.trustedProxies),
    // `Expect: 100-continue` is answered by the proxy's own HTTP server; passing it on would
    // make the agent's client wait for a second 100.
    droppedRequestFields: new Set([...FORWARDING_FIELDS, 'x-request-id', 'expect']),
  };
}
