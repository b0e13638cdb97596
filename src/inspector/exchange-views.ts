import type { BodyCapture } from '../exchange/index.js';
import type { ExchangeReport } from '../exchange/index.js';
import type { InspectedExchange } from './inspected-exchange.js';
import type {
  BodyView,
  ExchangeDetailView,
  ExchangeFilter,
  ExchangeSummaryView,
  TimingsView,
} from './inspector-views.js';
import { fieldViews, type SecretField } from './redaction.js';
import { parseResponseHead } from './response-head.js';

/** One recorded exchange as listed. */
export function summaryOf(x: InspectedExchange): ExchangeSummaryView {
  const r = x.report;
  return {
    id: x.id,
    requestId: r.requestId,
    startedAt: new Date(r.startedAt).toISOString(),
    method: r.method,
    host: r.host ?? null,
    target: r.target,
    status: r.status,
    errorCode: r.errorCode ?? null,
    cache: r.cache ?? null,
    complete: r.complete,
    route: r.route ? { host: r.route.host, path: r.route.path } : null,
    agentId: r.agentId ?? null,
    retries: r.retries,
    bytesIn: r.bytesIn,
    bytesOut: r.bytesOut,
    timings: timingsOf(r),
    replayOf: x.replayOf ?? null,
  };
}

/** One recorded exchange in full, the value of each secret field redacted. */
export function detailOf(x: InspectedExchange, isSecret: SecretField): ExchangeDetailView {
  const r = x.report;
  const head = parseResponseHead(r.responseHead);
  return {
    ...summaryOf(x),
    request: {
      httpVersion: r.httpVersion,
      headers: fieldViews(r.requestFields, isSecret),
      body: bodyView(r.requestBody),
    },
    response: {
      httpVersion: head?.httpVersion ?? null,
      statusText: head?.statusText ?? null,
      headers: head ? fieldViews(head.fields, isSecret) : [],
      body: bodyView(r.responseBody),
    },
  };
}

/** Where the time went, from the report's offsets (all ms from arrival). */
function timingsOf(r: ExchangeReport): TimingsView {
  const { forwardedMs, backendMs } = r;
  const answered = forwardedMs !== undefined && backendMs !== undefined;
  return {
    queueMs: forwardedMs === undefined ? null : round(forwardedMs),
    // Both are offsets of one monotonic clock: clamped only against float noise.
    backendMs: answered ? round(Math.max(0, backendMs - forwardedMs)) : null,
    totalMs: round(r.totalMs),
  };
}

/** To 0.01 ms: finer is noise, and it keeps the JSON short. */
function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/**
 * The kept bytes of a body: UTF-8 text when they are valid UTF-8, else base64. Null without
 * a capture (bodies not recorded) or when the body was empty.
 */
export function bodyView(capture: BodyCapture | undefined): BodyView | null {
  if (!capture || capture.size === 0) return null;
  const bytes = capture.bytes();
  const text = utf8Text(bytes, capture.truncated);
  return text === undefined
    ? { size: capture.size, truncated: capture.truncated, encoding: 'base64', text: bytes.toString('base64') }
    : { size: capture.size, truncated: capture.truncated, encoding: 'utf8', text };
}

/**
 * The bytes as text, or undefined when they are not UTF-8. A truncated capture may end inside
 * a multi-byte character; decoding in stream mode holds such an incomplete tail back instead
 * of failing, while any invalid sequence before it still fails.
 */
function utf8Text(bytes: Uint8Array, truncated: boolean): string | undefined {
  // ignoreBOM keeps a leading BOM in the text: the view shows the bytes as they were.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return decoder.decode(bytes, { stream: truncated });
  } catch {
    return undefined;
  }
}

/** Whether an exchange passes a filter's host, path prefix and status class (not its limit). */
export function matchesFilter(x: InspectedExchange, filter: ExchangeFilter): boolean {
  const r = x.report;
  if (filter.host && (r.host === undefined || bareHost(r.host) !== bareHost(filter.host))) return false;
  if (filter.pathPrefix && !pathOf(r.target).startsWith(filter.pathPrefix)) return false;
  if (filter.status && !inStatusClass(r.status, filter.status)) return false;
  return true;
}

/** A host without its port, lowercased (`Example.COM:8080` → `example.com`, `[::1]:80` → `[::1]`). */
function bareHost(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) {
    const close = lower.indexOf(']');
    return close === -1 ? lower : lower.slice(0, close + 1);
  }
  const colon = lower.indexOf(':');
  // More than one colon is a bare IPv6 address, not host:port.
  return colon === -1 || lower.indexOf(':', colon + 1) !== -1 ? lower : lower.slice(0, colon);
}

/** The path of a target: origin form up to `?` (or a stray `#`); absolute form minus its scheme and authority. */
function pathOf(target: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  const rest = absolute ? target.slice(absolute[0].length) || '/' : target;
  const end = rest.search(/[?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

function inStatusClass(status: number, statusClass: NonNullable<ExchangeFilter['status']>): boolean {
  if (statusClass === 'none') return status === 0;
  const hundreds = Number(statusClass[0]) * 100;
  return status >= hundreds && status < hundreds + 100;
}
