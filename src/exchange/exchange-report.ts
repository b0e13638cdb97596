import type { BodyCapture } from './body-capture.js';

/**
 * What happened to one public request, filled in as it goes and published once its response
 * is over: the raw material of metrics, the request inspector and live events.
 */
export class ExchangeReport {
  /** `performance.now()` at arrival; durations below are ms from here. */
  readonly started = performance.now();
  /** Wall-clock arrival time, ms since the epoch. */
  readonly startedAt = Date.now();
  /** The route that matched (`host` pattern + `path` prefix), if any. */
  route?: { readonly host: string; readonly path: string };
  /** The agent connection that served it (the last one tried), if any. */
  agentId?: string;
  /**
   * Times the request was sent again to another member after a failure no client saw (a
   * backend that refused it unread, or an idempotent request whose backend failed before
   * answering); 0 when the first attempt answered.
   */
  retries = 0;
  /** The status sent to the client (0 if none was). */
  status = 0;
  /** The proxy's error code when it answered with an error page (`X-Harp-Error`). */
  errorCode?: string;
  /**
   * How the cache took part: `hit`, the `fwd` reason of `Cache-Status`, or `stale-offline` (a
   * stale response served because no backend could answer).
   */
  cache?: string;
  /** Request body bytes forwarded, response body bytes relayed. */
  bytesIn = 0;
  bytesOut = 0;
  /** ms until the request was sent to a backend (undefined when it never was). */
  forwardedMs?: number;
  /** ms until the backend's response head (undefined for hits and proxy-made answers). */
  backendMs?: number;
  /** ms until the response was over. */
  totalMs = 0;
  /** Whether the response was delivered whole (false: aborted, or the client left). */
  complete = false;
  /** Scheme of the client's connection to the proxy; set when published. */
  scheme: 'http' | 'https' = 'http';
  /** The request's HTTP version as received (`1.1`); set when published. */
  httpVersion = '1.1';
  /** The request's fields as received, in Node's raw form; set when published. */
  requestFields: readonly string[] = [];
  /** The response head as it went to the client (status line and fields); set when published. */
  responseHead?: string;
  /** The first bytes of the request body, when the inspector keeps bodies. */
  requestBody?: BodyCapture;
  /** The first bytes of the response body, when the inspector keeps bodies. */
  responseBody?: BodyCapture;

  constructor(
    readonly requestId: string,
    readonly method: string,
    readonly host: string | undefined,
    /** Path and query as received. */
    readonly target: string,
  ) {}
}
