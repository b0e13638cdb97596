import { ExchangeReport } from '../exchange/index.js';

/**
 * One exchange report as bytes: what the inspector holds instead of the report's objects, so
 * that the last few hundred exchanges are not a few hundred small object graphs for the
 * garbage collector to copy out of the young generation and mark in the old one on every
 * request (docs/performance.md, "The inspector's records").
 *
 * Layout from an 8-aligned offset: nine float64 (started, startedAt, totalMs, forwardedMs,
 * backendMs, bytesIn, bytesOut, retries, status), one flags byte, then the strings requestId,
 * method, [host], target, httpVersion, [responseHead] and the request's raw fields (a uint16
 * count, then each), every string a uint16 byte length and its UTF-8. Values that outlive the
 * exchange (its route, agent id, error code, cache outcome) and the rare body captures are
 * not copied: the caller keeps them by reference ({@link RecordRefs}).
 */

/** A block of record bytes, with a float64 view of the same memory. */
export interface RecordPage {
  readonly bytes: Buffer;
  readonly numbers: Float64Array;
}

/** The report's values held by reference rather than as bytes. */
export interface RecordRefs {
  route?: ExchangeReport['route'];
  agentId?: string;
  errorCode?: string;
  cache?: string;
  requestBody?: ExchangeReport['requestBody'];
  responseBody?: ExchangeReport['responseBody'];
}

const NUMBERS = 9;
const NUMBERS_BYTES = NUMBERS * 8;
const MAX_STRING_BYTES = 0xffff;
const MAX_FIELDS = 0xffff;

const COMPLETE = 1;
const HTTPS = 2;
const HAS_HOST = 4;
const HAS_HEAD = 8;
const HAS_FORWARDED = 16;
const HAS_BACKEND = 32;

/** A page of `size` bytes (a multiple of 8), outside the JavaScript heap. */
export function recordPage(size: number): RecordPage {
  const bytes = Buffer.allocUnsafeSlow(size);
  return { bytes, numbers: new Float64Array(bytes.buffer, bytes.byteOffset, size >> 3) };
}

/** `offset` rounded up to where a record may start. */
export function recordStart(offset: number): number {
  return (offset + 7) & ~7;
}

/**
 * Writes `report` at `offset` (8-aligned) of `page`.
 * @returns the offset just past the record, or -1 when it does not fit in the page (what was
 *   written is then garbage, never read)
 */
export function writeRecord(page: RecordPage, offset: number, report: ExchangeReport): number {
  const { bytes, numbers } = page;
  if (offset + NUMBERS_BYTES + 1 > bytes.length) return -1;
  const n = offset >> 3;
  numbers[n] = report.started;
  numbers[n + 1] = report.startedAt;
  numbers[n + 2] = report.totalMs;
  numbers[n + 3] = report.forwardedMs ?? 0;
  numbers[n + 4] = report.backendMs ?? 0;
  numbers[n + 5] = report.bytesIn;
  numbers[n + 6] = report.bytesOut;
  numbers[n + 7] = report.retries;
  numbers[n + 8] = report.status;
  bytes[offset + NUMBERS_BYTES] = flagsOf(report);
  let at = offset + NUMBERS_BYTES + 1;
  at = writeString(bytes, at, report.requestId);
  at = writeString(bytes, at, report.method);
  if (typeof report.host === 'string') at = writeString(bytes, at, report.host);
  at = writeString(bytes, at, report.target);
  at = writeString(bytes, at, report.httpVersion);
  if (typeof report.responseHead === 'string') at = writeString(bytes, at, report.responseHead);
  return writeFields(bytes, at, report.requestFields);
}

/** The report written at `offset`, with the values held by reference put back. */
export function readRecord(page: RecordPage, offset: number, refs: RecordRefs): ExchangeReport {
  const { bytes, numbers } = page;
  const n = offset >> 3;
  const flags = bytes[offset + NUMBERS_BYTES];
  const reader = new StringReader(bytes, offset + NUMBERS_BYTES + 1);
  const requestId = reader.next();
  const method = reader.next();
  const host = flags & HAS_HOST ? reader.next() : undefined;
  const target = reader.next();
  const report = new ExchangeReport(requestId, method, host, target);
  // The arrival times are the record's, not the moment it is read.
  Object.assign(report, { started: numbers[n], startedAt: numbers[n + 1] });
  report.totalMs = numbers[n + 2];
  if (flags & HAS_FORWARDED) report.forwardedMs = numbers[n + 3];
  if (flags & HAS_BACKEND) report.backendMs = numbers[n + 4];
  report.bytesIn = numbers[n + 5];
  report.bytesOut = numbers[n + 6];
  report.retries = numbers[n + 7];
  report.status = numbers[n + 8];
  report.complete = (flags & COMPLETE) !== 0;
  report.scheme = flags & HTTPS ? 'https' : 'http';
  report.httpVersion = reader.next();
  if (flags & HAS_HEAD) report.responseHead = reader.next();
  report.requestFields = reader.fields();
  copyRefs(refs, report);
  return report;
}

/** Copies the values held by reference from one holder to another (a report is one). */
export function copyRefs(from: RecordRefs, to: RecordRefs): void {
  to.route = from.route;
  to.agentId = from.agentId;
  to.errorCode = from.errorCode;
  to.cache = from.cache;
  to.requestBody = from.requestBody;
  to.responseBody = from.responseBody;
}

function flagsOf(report: ExchangeReport): number {
  return (
    (report.complete ? COMPLETE : 0) |
    (report.scheme === 'https' ? HTTPS : 0) |
    (typeof report.host === 'string' ? HAS_HOST : 0) |
    (typeof report.responseHead === 'string' ? HAS_HEAD : 0) |
    (report.forwardedMs !== undefined ? HAS_FORWARDED : 0) |
    (report.backendMs !== undefined ? HAS_BACKEND : 0)
  );
}

/** Writes a length and the string's UTF-8 at `at` (-1 stays -1); -1 when it does not fit. */
function writeString(bytes: Buffer, at: number, value: string): number {
  if (at < 0) return -1;
  const length = Buffer.byteLength(value);
  if (length > MAX_STRING_BYTES || at + 2 + length > bytes.length) return -1;
  bytes[at] = length & 0xff;
  bytes[at + 1] = length >> 8;
  if (length > 0) bytes.write(value, at + 2, length, 'utf8');
  return at + 2 + length;
}

function writeFields(bytes: Buffer, at: number, fields: readonly string[]): number {
  if (at < 0 || fields.length > MAX_FIELDS || at + 2 > bytes.length) return -1;
  bytes[at] = fields.length & 0xff;
  bytes[at + 1] = fields.length >> 8;
  let next = at + 2;
  for (let i = 0; i < fields.length && next >= 0; i++) next = writeString(bytes, next, fields[i]);
  return next;
}

/** Reads the strings of one record in order. */
class StringReader {
  constructor(
    private readonly bytes: Buffer,
    private at: number,
  ) {}

  next(): string {
    const length = this.count();
    const value = this.bytes.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }

  fields(): string[] {
    const count = this.count();
    const fields = new Array<string>(count);
    for (let i = 0; i < count; i++) fields[i] = this.next();
    return fields;
  }

  private count(): number {
    const value = this.bytes[this.at] | (this.bytes[this.at + 1] << 8);
    this.at += 2;
    return value;
  }
}
