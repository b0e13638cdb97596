/** Every way a proxied exchange can fail before the backend's answer reached the client. */
export type ProxyErrorCode =
  | 'no_route'
  | 'no_backend'
  | 'reserved_path'
  | 'bad_request'
  | 'headers_too_large'
  | 'body_too_large'
  | 'unsupported_transfer_coding'
  | 'version_not_supported'
  | 'agent_gone'
  | 'agent_refused'
  | 'upstream_error'
  | 'bad_response'
  | 'timeout'
  | 'not_cached'
  | 'upgrade_not_supported'
  | 'internal_error';

// The one place failures map to HTTP statuses and the short text a client reads.
const CATALOGUE: Record<ProxyErrorCode, { status: number; message: string }> = {
  no_route: { status: 404, message: 'no backend is registered for this host and path' },
  no_backend: { status: 503, message: 'the backends for this route are draining or busy' },
  reserved_path: { status: 404, message: 'no such HARP endpoint' },
  bad_request: { status: 400, message: 'the request could not be forwarded' },
  headers_too_large: { status: 431, message: 'the request has too many header fields' },
  body_too_large: { status: 413, message: 'the request body exceeds the proxy limit' },
  unsupported_transfer_coding: { status: 501, message: 'the request uses a transfer coding other than chunked' },
  version_not_supported: { status: 505, message: 'only HTTP/1.0 and HTTP/1.1 are served on this port' },
  agent_gone: { status: 502, message: 'the backend disconnected before answering' },
  agent_refused: { status: 503, message: 'the backend refused the request' },
  upstream_error: { status: 502, message: 'the backend could not reach its upstream' },
  bad_response: { status: 502, message: 'the backend sent a response that cannot be relayed' },
  timeout: { status: 504, message: 'the backend did not answer in time' },
  not_cached: { status: 504, message: 'the response is not in the cache (only-if-cached)' },
  upgrade_not_supported: { status: 501, message: 'only WebSocket upgrades (GET with Upgrade: websocket) are tunnelled' },
  internal_error: { status: 500, message: 'the proxy failed to handle the request' },
};

/** A failed exchange: a stable code, its HTTP status, and the cause kept for logs. */
export class ProxyError extends Error {
  override readonly name = 'ProxyError';
  readonly status: number;

  constructor(
    readonly code: ProxyErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${CATALOGUE[code].message}: ${detail}` : CATALOGUE[code].message, options);
    this.status = CATALOGUE[code].status;
  }
}
