/**
 * What the inspector shows of a recorded exchange, as the admin API returns it (JSON). The
 * dashboard and the HAR export are built from these shapes.
 */

/** A header field as shown: secret values replaced by `REDACTED.inspector` (src/http/redaction.ts). */
export interface FieldView {
  readonly name: string;
  readonly value: string;
}

/** The kept first bytes of a body. */
export interface BodyView {
  /** Body bytes that passed through, kept or not. */
  readonly size: number;
  /** Whether bytes past the kept ones were not recorded. */
  readonly truncated: boolean;
  /** `utf8` when the kept bytes are valid UTF-8 text, else `base64`. */
  readonly encoding: 'utf8' | 'base64';
  /** The kept bytes in that encoding. */
  readonly text: string;
}

/** Where the time of an exchange went, in ms (rounded to 0.01 ms). */
export interface TimingsView {
  /** Arrival → request sent to a backend (routing, cache lookup); null if it never was. */
  readonly queueMs: number | null;
  /** Request sent → backend's response head; null without a backend response. */
  readonly backendMs: number | null;
  /** Arrival → response over. */
  readonly totalMs: number;
}

/** One recorded exchange in a list. */
export interface ExchangeSummaryView {
  /** The inspector's own id (unique per process); request ids may repeat. */
  readonly id: string;
  readonly requestId: string;
  /** Arrival time, ISO 8601. */
  readonly startedAt: string;
  readonly method: string;
  /** Host as received (null without one). */
  readonly host: string | null;
  /** Path and query as received. */
  readonly target: string;
  /** Status sent to the client; 0 if none was. */
  readonly status: number;
  /** The proxy's `X-Harp-Error` code when it answered with an error page. */
  readonly errorCode: string | null;
  /** `hit`, or the `fwd` reason of `Cache-Status`; null when the cache took no part. */
  readonly cache: string | null;
  /** Whether the response was delivered whole. */
  readonly complete: boolean;
  /** The route that matched. */
  readonly route: { readonly host: string; readonly path: string } | null;
  readonly agentId: string | null;
  /** Times it was sent again to another agent before one answered. */
  readonly retries: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly timings: TimingsView;
  /** Set on a replay: the id of the exchange it repeated. */
  readonly replayOf: string | null;
}

/** One recorded exchange in full. */
export interface ExchangeDetailView extends ExchangeSummaryView {
  readonly request: {
    readonly httpVersion: string;
    readonly headers: readonly FieldView[];
    /** Null when bodies are not recorded or the request had none. */
    readonly body: BodyView | null;
  };
  readonly response: {
    /** Null when no response head was sent. */
    readonly httpVersion: string | null;
    readonly statusText: string | null;
    readonly headers: readonly FieldView[];
    readonly body: BodyView | null;
  };
}

/** Answer of `GET /_harp/api/inspector/requests`, newest first. */
export interface ExchangeListView {
  readonly entries: readonly ExchangeSummaryView[];
  /** Exchanges recorded and still held (before filtering). */
  readonly held: number;
  /** How many the inspector holds at most. */
  readonly capacity: number;
  /** Whether bodies are recorded. */
  readonly bodies: boolean;
  /**
   * The newest exchange held (filtered or not), or null: a live view that reloads the list
   * ignores the live events of exchanges up to it, which the list already counts.
   */
  readonly newestId: string | null;
  /** The node that holds these exchanges (`nodeId`): the inspector is per node, also in a cluster. */
  readonly node: string;
}

/** Filters of `GET /_harp/api/inspector/requests`. */
export interface ExchangeFilter {
  /** Host as received, compared without case and without a port. */
  readonly host?: string;
  /** Path prefix (on `/` boundaries or not: a plain string prefix of the path). */
  readonly pathPrefix?: string;
  /** Status class: `1xx` … `5xx`, or `none` for exchanges that sent no status. */
  readonly status?: '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'none';
  /** At most this many, newest first. */
  readonly limit?: number;
}
