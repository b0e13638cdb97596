/**
 * Every code the proxy can put in `X-Harp-Error`, with the HTTP status it answers with and the
 * short text the client reads; a 503 also says when to try again (`Retry-After`, seconds). The one place a failure maps to HTTP; `docs/errors.md` has the
 * same table, and `error-catalogue.spec.ts` fails when the two drift.
 */
export const ERROR_CATALOGUE = {
  bad_request: { status: 400, message: 'the request could not be forwarded' },
  unauthorized: { status: 401, message: 'this route needs credentials' },
  ip_denied: { status: 403, message: 'this route does not serve the client address' },
  reserved_path: { status: 404, message: 'no such HARP endpoint' },
  no_route: { status: 404, message: 'no backend is registered for this host and path' },
  request_timeout: { status: 408, message: 'the request did not arrive in time' },
  body_too_large: { status: 413, message: 'the request body exceeds the proxy limit' },
  rate_limited: { status: 429, message: 'too many requests: over a rate limit' },
  headers_too_large: { status: 431, message: 'the request has too many header fields' },
  internal_error: { status: 500, message: 'the proxy failed to handle the request' },
  unsupported_transfer_coding: { status: 501, message: 'the request uses a transfer coding other than chunked' },
  upgrade_not_supported: {
    status: 501,
    message: 'only WebSocket upgrades (GET with Upgrade: websocket) are tunnelled',
  },
  connect_not_supported: { status: 501, message: 'CONNECT is not served; WebSockets use HTTP/1.1' },
  agent_gone: { status: 502, message: 'the backend disconnected before answering' },
  upstream_error: { status: 502, message: 'the backend could not reach its upstream' },
  bad_response: { status: 502, message: 'the backend sent a response that cannot be relayed' },
  no_backend: { status: 503, message: 'the backends for this route are draining or busy', retryAfterSeconds: 1 },
  agent_refused: { status: 503, message: 'the backend refused the request', retryAfterSeconds: 1 },
  timeout: { status: 504, message: 'the backend did not answer in time' },
  not_cached: { status: 504, message: 'the response is not in the cache (only-if-cached)' },
  version_not_supported: { status: 505, message: 'only HTTP/1.0 and HTTP/1.1 are served on this port' },
} as const satisfies Record<string, { status: number; message: string; retryAfterSeconds?: number }>;

/** A code a client can see in `X-Harp-Error`. */
export type HttpErrorCode = keyof typeof ERROR_CATALOGUE;

/** The `Retry-After` of an answer with `code`, in seconds, for codes whose answer has one. */
export function retryAfterOf(code: HttpErrorCode): number | undefined {
  const entry = ERROR_CATALOGUE[code];
  return 'retryAfterSeconds' in entry ? entry.retryAfterSeconds : undefined;
}

/** The HTTP status the proxy answers `code` with. */
export function statusOf(code: HttpErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}
