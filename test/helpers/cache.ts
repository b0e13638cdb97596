import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectOptions } from '../../src/agent/agent-options.js';
import { HttpCacheStore } from '../../src/cache/index.js';
import type { HarpConfigInput } from '../../src/config/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import type { Harness } from './harness.js';
import { send } from './http-client.js';
import type { ClientResponse } from './http-client.js';
import { recordingUpstream } from './recording-upstream.js';
import type { ReceivedRequest, RecordingUpstream } from './recording-upstream.js';

/** A proxy, one agent and a real upstream that records (and so counts) every request it gets. */
export interface CacheRig {
  readonly proxy: HarpServer;
  readonly upstream: RecordingUpstream;
  /** Requests that reached the upstream for `url` (path and query), or all of them. */
  hits(url?: string): number;
  /** A one-shot request to the proxy on a fresh connection. */
  request(
    path: string,
    options?: { method?: string; headers?: Record<string, string | string[]>; body?: Buffer | string },
  ): Promise<ClientResponse>;
  /** The proxy's HTTP cache store. */
  readonly store: HttpCacheStore;
}

export interface CacheRigOptions {
  readonly proxy?: Partial<HarpConfigInput>;
  readonly agent?: Partial<ConnectOptions>;
}

/**
 * Starts a proxy (`options.proxy` overrides), an upstream answering with `answer` once each
 * request body is in, and an agent (`options.agent`) serving that upstream on the proxy.
 */
export async function cacheRig(
  h: Harness,
  answer: (req: IncomingMessage, res: ServerResponse, record: ReceivedRequest) => void,
  options: CacheRigOptions = {},
): Promise<CacheRig> {
  const proxy = await h.proxy(options.proxy);
  const upstream = await recordingUpstream(h, answer);
  await h.agent(proxy, upstream.url, options.agent);
  return {
    proxy,
    upstream,
    hits: (url) => upstream.received.filter((r) => url === undefined || r.url === url).length,
    request: (path, init = {}) => send(`${proxy.url}${path}`, init),
    store: proxy.app.get(HttpCacheStore),
  };
}

/** The `Cache-Status` field of a response, as one string. */
export function cacheStatus(res: { headers: ClientResponse['headers'] }): string | undefined {
  const value = res.headers['cache-status'];
  return Array.isArray(value) ? value.join(', ') : value;
}
