import { detailOf } from './exchange-views.js';
import type { InspectedExchange } from './inspected-exchange.js';
import type { BodyView, ExchangeDetailView, FieldView } from './inspector-views.js';
import type { SecretField } from './redaction.js';

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), only the parts HARP emits.

/** A HAR 1.2 document. */
export interface HarLog {
  readonly log: {
    readonly version: '1.2';
    readonly creator: { readonly name: string; readonly version: string };
    readonly entries: readonly HarEntry[];
  };
}

/** One exchange. `_`-prefixed members are HARP's own, as HAR allows custom fields. */
export interface HarEntry {
  readonly startedDateTime: string;
  /** Sum of the timings that are not -1 (a HAR rule). */
  readonly time: number;
  readonly request: HarRequest;
  readonly response: HarResponse;
  /** HARP has no per-exchange cache detail in HAR terms; `Cache-Status` is among the headers. */
  readonly cache: Record<string, never>;
  readonly timings: HarTimings;
  readonly _id: string;
  readonly _requestId: string;
  /** The proxy's `X-Harp-Error` code, when it answered with an error page. */
  readonly _error: string | null;
}

export interface HarNameValue {
  readonly name: string;
  readonly value: string;
}

export interface HarRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly cookies: readonly HarNameValue[];
  readonly headers: readonly HarNameValue[];
  readonly queryString: readonly HarNameValue[];
  readonly postData?: HarPostData;
  readonly headersSize: -1;
  readonly bodySize: number;
}

/** HAR 1.2 has no encoding for posted data: base64 text is marked by `comment`. */
export interface HarPostData {
  readonly mimeType: string;
  readonly text: string;
  readonly comment?: string;
}

export interface HarResponse {
  readonly status: number;
  readonly statusText: string;
  readonly httpVersion: string;
  readonly cookies: readonly HarNameValue[];
  readonly headers: readonly HarNameValue[];
  readonly content: HarContent;
  readonly redirectURL: string;
  readonly headersSize: -1;
  readonly bodySize: number;
}

export interface HarContent {
  readonly size: number;
  readonly mimeType: string;
  readonly text?: string;
  readonly encoding?: 'base64';
  /** `truncated` when only the first bytes of the body were recorded. */
  readonly comment?: string;
}

/** ms; -1 for phases HARP does not see (each agent connection is already open). */
export interface HarTimings {
  /** Arrival → sent to a backend (routing, cache lookup); -1 if it never was. */
  readonly blocked: number;
  readonly dns: -1;
  readonly connect: -1;
  readonly send: number;
  /** Sent → the backend's response head. */
  readonly wait: number;
  /** The rest, up to the response being over. */
  readonly receive: number;
}

/** Options of {@link toHar}. */
export interface HarOptions {
  readonly isSecret: SecretField;
  /** HARP's version, for `log.creator`. */
  readonly creatorVersion: string;
}

/**
 * Recorded exchanges as a HAR 1.2 document, oldest first, secret fields redacted. Cookies are
 * left empty: they are secret by design, and their fields are redacted among the headers.
 */
export function toHar(exchanges: readonly InspectedExchange[], options: HarOptions): HarLog {
  return { log: { ...harLogHead(options), entries: [...harEntries(exchanges, options)] } };
}

/**
 * The JSON text of {@link toHar}'s document in pieces: the opening, one piece per entry, the
 * close. An entry is built only when its piece is asked for, so a consumer that pulls under
 * backpressure holds one entry at a time instead of the whole document.
 */
export function* harJsonPieces(exchanges: readonly InspectedExchange[], options: HarOptions): Generator<string> {
  const head = JSON.stringify(harLogHead(options));
  // The head object's text without its closing brace, so that the entries go inside it.
  yield `{"log":${head.slice(0, -1)},"entries":[`;
  let separator = '';
  for (const entry of harEntries(exchanges, options)) {
    yield separator + JSON.stringify(entry);
    separator = ',';
  }
  yield ']}}';
}

function harLogHead(options: HarOptions): Omit<HarLog['log'], 'entries'> {
  return { version: '1.2', creator: { name: 'HARP', version: options.creatorVersion } };
}

function* harEntries(exchanges: readonly InspectedExchange[], options: HarOptions): Generator<HarEntry> {
  const ordered = [...exchanges].sort(
    (a, b) => a.report.startedAt - b.report.startedAt || a.report.started - b.report.started,
  );
  for (const x of ordered) yield harEntry(x, options.isSecret);
}

function harEntry(x: InspectedExchange, isSecret: SecretField): HarEntry {
  const detail = detailOf(x, isSecret);
  const timings = harTimings(detail);
  return {
    startedDateTime: detail.startedAt,
    time: harTime(timings),
    request: harRequest(x, detail),
    response: harResponse(detail),
    cache: {},
    timings,
    _id: detail.id,
    _requestId: detail.requestId,
    _error: detail.errorCode,
  };
}

function harRequest(x: InspectedExchange, detail: ExchangeDetailView): HarRequest {
  const { headers, body } = detail.request;
  const postData = body ? harPostData(body, fieldValue(headers, 'content-type') ?? '') : undefined;
  return {
    method: detail.method,
    url: absoluteUrl(x.report.scheme, detail.host, detail.target),
    httpVersion: `HTTP/${detail.request.httpVersion}`,
    cookies: [],
    headers,
    queryString: queryOf(detail.target),
    ...(postData && { postData }),
    headersSize: -1,
    bodySize: detail.bytesIn,
  };
}

function harPostData(body: BodyView, mimeType: string): HarPostData {
  const notes = [body.encoding === 'base64' && 'base64', body.truncated && 'truncated'].filter(Boolean);
  return { mimeType, text: body.text, ...(notes.length > 0 && { comment: notes.join(', ') }) };
}

function harResponse(detail: ExchangeDetailView): HarResponse {
  const { headers, body, httpVersion, statusText } = detail.response;
  return {
    status: detail.status,
    statusText: statusText ?? '',
    httpVersion: httpVersion === null ? '' : `HTTP/${httpVersion}`,
    cookies: [],
    headers,
    content: harContent(detail.bytesOut, fieldValue(headers, 'content-type') ?? 'x-unknown', body),
    redirectURL: fieldValue(headers, 'location') ?? '',
    headersSize: -1,
    bodySize: detail.bytesOut,
  };
}

function harContent(size: number, mimeType: string, body: BodyView | null): HarContent {
  if (!body) return { size, mimeType };
  return {
    size,
    mimeType,
    text: body.text,
    ...(body.encoding === 'base64' && { encoding: 'base64' as const }),
    ...(body.truncated && { comment: 'truncated' }),
  };
}

function harTimings(detail: ExchangeDetailView): HarTimings {
  const { queueMs, backendMs, totalMs } = detail.timings;
  const wait = backendMs ?? 0;
  const receive = Math.max(0, Math.round((totalMs - (queueMs ?? 0) - wait) * 100) / 100);
  return { blocked: queueMs ?? -1, dns: -1, connect: -1, send: 0, wait, receive };
}

/** The sum of the timings that are not -1, added in field order as a HAR checker would. */
function harTime(timings: HarTimings): number {
  let time = 0;
  for (const value of Object.values(timings) as number[]) if (value !== -1) time += value;
  return time;
}

/** The request's URL: an absolute-form target as is, else scheme, host and target. */
function absoluteUrl(scheme: string, host: string | null, target: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  return `${scheme}://${host ?? 'localhost'}${target}`;
}

/** Query parameters of a target, decoded; bad percent-encoding is kept as is rather than failing. */
function queryOf(target: string): HarNameValue[] {
  const start = target.indexOf('?');
  if (start === -1) return [];
  const end = target.indexOf('#', start);
  const query = target.slice(start + 1, end === -1 ? undefined : end);
  return [...new URLSearchParams(query)].map(([name, value]) => ({ name, value }));
}

/** The value of the first field with this lowercase name (already redacted if secret). */
function fieldValue(fields: readonly FieldView[], lowerName: string): string | undefined {
  return fields.find((field) => field.name.toLowerCase() === lowerName)?.value;
}
