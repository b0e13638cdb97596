import { ExchangeReport } from '../exchange/index.js';
import { BodyCapture } from '../exchange/body-capture.js';
import { PAGE_BYTES, PackedExchanges } from './packed-exchanges.js';

/** A report with every field set to something other than its default. */
function fullReport(n = 1): ExchangeReport {
  const report = new ExchangeReport(`req-${n}`, 'PATCH', 'app.example.com:8443', `/items/${n}?q=ä€😀`);
  Object.assign(report, { started: 1234.5 + n, startedAt: 1_790_000_000_000 + n });
  report.route = { host: '*.example.com', path: '/items' };
  report.agentId = 'agent-7';
  report.retries = 2;
  report.status = 503;
  report.errorCode = 'no_backend';
  report.cache = 'uri-miss';
  report.bytesIn = 5_000_000_000;
  report.bytesOut = 0;
  report.forwardedMs = 0;
  report.backendMs = 12.75;
  report.totalMs = 13.125;
  report.complete = true;
  report.scheme = 'https';
  report.httpVersion = '2.0';
  report.requestFields = ['Host', 'app.example.com:8443', 'X-Latin', 'caf\u00e9 \u00ff', 'Empty', ''];
  report.responseHead = 'HTTP/1.1 503 Service Unavailable\r\nX-Harp-Error: no_backend\r\n\r\n';
  report.requestBody = new BodyCapture(16);
  report.responseBody = new BodyCapture(16);
  return report;
}

/** The report's own fields, as plain data, for comparison. */
const fieldsOf = (report: ExchangeReport) => ({ ...report });

describe('PackedExchanges', () => {
  it('reads back every field of a report it packed', () => {
    const store = new PackedExchanges(4);
    const report = fullReport();
    store.push(1, report, '0');
    const [held] = [...store.newestFirst()];
    expect(held.id).toBe('1');
    expect(held.replayOf).toBe('0');
    expect(held.report).not.toBe(report); // read from bytes, not the object kept
    expect(held.report).toBeInstanceOf(ExchangeReport);
    expect(fieldsOf(held.report)).toEqual(fieldsOf(report));
    expect(held.report.requestBody).toBe(report.requestBody);
  });

  it('reads back a report whose optional fields are unset', () => {
    const store = new PackedExchanges(2);
    const report = new ExchangeReport('r', 'GET', undefined, '/');
    store.push(9, report);
    const held = store.get('9')!;
    expect(fieldsOf(held.report)).toEqual(fieldsOf(report));
    expect(held.report.host).toBeUndefined();
    expect(held.report.responseHead).toBeUndefined();
    expect(held.report.forwardedMs).toBeUndefined();
    expect(held.report.backendMs).toBeUndefined();
    expect(held.replayOf).toBeUndefined();
  });

  it('holds exchanges newest first and drops the oldest when full', () => {
    const store = new PackedExchanges(3);
    for (let n = 1; n <= 5; n++) store.push(n, fullReport(n));
    expect([...store.newestFirst()].map((e) => [e.id, e.report.requestId])).toEqual([
      ['5', 'req-5'],
      ['4', 'req-4'],
      ['3', 'req-3'],
    ]);
    expect(store.size).toBe(3);
    expect(store.get('2')).toBeUndefined();
    expect(store.get('4')?.report.target).toBe('/items/4?q=ä€😀');
  });

  it('finds an exchange only by its id as written', () => {
    const store = new PackedExchanges(2);
    store.push(12, fullReport());
    expect(store.get('12')).toBeDefined();
    expect(store.get('012')).toBeUndefined();
    expect(store.get('12.0')).toBeUndefined();
    expect(store.get('x')).toBeUndefined();
  });

  it('keeps a report larger than a page whole, and still drops it in turn', () => {
    const store = new PackedExchanges(2);
    const huge = fullReport(1);
    huge.responseHead = `HTTP/1.1 200 OK\r\nX-Big: ${'b'.repeat(PAGE_BYTES)}\r\n\r\n`;
    store.push(1, huge);
    store.push(2, fullReport(2));
    expect(store.get('1')!.report).toBe(huge);
    expect(store.get('2')!.report.requestId).toBe('req-2');
    store.push(3, fullReport(3));
    expect(store.get('1')).toBeUndefined();
    expect([...store.newestFirst()].map((e) => e.id)).toEqual(['3', '2']);
  });

  it('moves to a fresh page when a record does not fit the rest of the current one', () => {
    const store = new PackedExchanges(100);
    const big = (n: number) => {
      const report = fullReport(n);
      report.responseHead = `HTTP/1.1 200 OK\r\nX-Fill: ${String(n).repeat(PAGE_BYTES / 3)}\r\n\r\n`;
      return report;
    };
    for (let n = 1; n <= 7; n++) store.push(n, big(n));
    for (let n = 1; n <= 7; n++) expect(store.get(String(n))!.report.responseHead).toBe(big(n).responseHead);
  });

  it('holds no more pages than its records need while exchanges keep coming', () => {
    const capacity = 50;
    const store = new PackedExchanges(capacity);
    for (let n = 1; n <= 20_000; n++) store.push(n, fullReport(n));
    // 50 records of ~300 bytes fit one page; the one being filled and one spare may add two.
    expect(store.pagesHeld).toBeLessThanOrEqual(3);
    expect([...store.newestFirst()].map((e) => Number(e.id))).toEqual(Array.from({ length: capacity }, (_, i) => 20_000 - i));
  });

  it('holds nothing with capacity 0', () => {
    const store = new PackedExchanges(0);
    store.push(1, fullReport());
    expect(store.size).toBe(0);
    expect([...store.newestFirst()]).toEqual([]);
    expect(store.pagesHeld).toBe(0);
  });

  it('empties on clear and fills again', () => {
    const store = new PackedExchanges(2);
    store.push(1, fullReport(1));
    store.push(2, fullReport(2));
    store.clear();
    expect(store.size).toBe(0);
    expect(store.get('2')).toBeUndefined();
    expect(store.pagesHeld).toBe(0);
    store.push(3, fullReport(3));
    expect([...store.newestFirst()].map((e) => e.report.requestId)).toEqual(['req-3']);
  });

  it.each([-1, 1.5, Number.NaN])('refuses capacity %p', (capacity) => {
    expect(() => new PackedExchanges(capacity)).toThrow(RangeError);
  });
});

describe('PackedExchanges with fields that are not what their types say', () => {
  it('holds a response the client left before its head as one without a head (Node leaves null)', () => {
    const store = new PackedExchanges(2);
    const report = fullReport();
    (report as { responseHead?: unknown }).responseHead = null;
    store.push(1, report);
    expect(store.get('1')!.report.responseHead).toBeUndefined();
    expect(store.get('1')!.report.requestId).toBe('req-1');
  });

  it('keeps a report it cannot pack whole instead of throwing on the request path', () => {
    const store = new PackedExchanges(2);
    const report = fullReport();
    (report as { target: unknown }).target = 42;
    expect(() => store.push(1, report)).not.toThrow();
    expect(store.get('1')!.report).toBe(report);
    store.push(2, fullReport(2));
    expect(store.get('2')!.report.requestId).toBe('req-2');
  });
});
