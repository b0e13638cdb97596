import type { ExchangeRecord } from '../../agent/upstream-relay.js';
import type { RouteRejection } from '../../protocol/index.js';
import type { Forwarding } from './console-state.js';

// `--log-format json`: one JSON object per line per event, for a log shipper or `jq`. Every
// object has `time` (ISO 8601) and `event`; the rest depends on the event. docs/agent-console.md
// lists them; a field that is not known is left out rather than null.

/** A connection's state, as the `connection` event reports it. */
export type JsonConnectionState = 'connecting' | 'online' | 'reconnecting' | 'draining' | 'offline';

/** Where a connection-bound event happened: the proxy as given, and the address when a name has several. */
export interface JsonWhere {
  readonly server: string;
  readonly address?: string;
}

/** Every event the JSON log writes. */
export type JsonEvent =
  | { readonly event: 'request'; readonly record: ExchangeRecord }
  | ({ readonly event: 'connection'; readonly state: JsonConnectionState; readonly retryInMs?: number; readonly reason?: string } & JsonWhere)
  | ({ readonly event: 'routes'; readonly routes: ReadonlyArray<Forwarding & { host: string; path: string }>; readonly rejected: readonly RouteRejection[] } & JsonWhere)
  | ({ readonly event: 'withdrawn'; readonly routes: readonly RouteRejection[] } & JsonWhere)
  | ({ readonly event: 'expired'; readonly routes: ReadonlyArray<{ host: string; path: string }>; readonly allExpired: boolean } & JsonWhere)
  | ({ readonly event: 'error'; readonly message: string; readonly code?: string } & Partial<JsonWhere>)
  | { readonly event: 'stopping'; readonly inFlight: number }
  | { readonly event: 'stopped'; readonly exitCode: number };

/** Every `event` name, in the order docs/agent-console.md lists them (a spec holds the two together). */
export const JSON_EVENT_NAMES = Object.keys({
  connection: 1,
  routes: 1,
  withdrawn: 1,
  expired: 1,
  request: 1,
  error: 1,
  stopping: 1,
  stopped: 1,
} satisfies Record<JsonEvent['event'], 1>);

/** One line of the JSON log, newline included. */
export function jsonLine(event: JsonEvent, time: Date): string {
  return `${JSON.stringify({ time: time.toISOString(), ...fields(event) })}\n`;
}

function fields(event: JsonEvent): object {
  if (event.event !== 'request') return event;
  const { method, target, status, ms, bytes, requestId, error } = event.record;
  return {
    event: 'request',
    method,
    path: target,
    // 0 means no answer came: JSON says that with null, and the error says why.
    status: status === 0 ? null : status,
    durationMs: Math.round(ms * 10) / 10,
    ...(bytes === undefined ? {} : { bytes }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(error === undefined ? {} : { error }),
  };
}
