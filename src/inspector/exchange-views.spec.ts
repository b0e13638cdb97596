import { BodyCapture } from '../exchange/index.js';
import { ExchangeReport } from '../exchange/index.js';
import { REDACTED } from '../http/redaction.js';
import type { InspectedExchange } from './inspected-exchange.js';
import { bodyView, detailOf, matchesFilter, summaryOf } from './exchange-views.js';
import { fieldRedactor } from './redaction.js';

function exchange(host: string | undefined, target: string, fill: Partial<ExchangeReport> = {}): InspectedExchange {
  const report = Object.assign(new ExchangeReport('req-1', 'GET', host, target), fill);
  return { id: '7', report };
}

function capture(limit: number, ...chunks: Buffer[]): BodyCapture {
  const body = new BodyCapture(limit);
  for (const chunk of chunks) body.push(chunk);
  return body;
}

describe('summaryOf', () => {
  it('shows a proxied exchange', () => {
    const x = exchange('a.test', '/p?q=1', {
      startedAt: Date.UTC(2024, 0, 2, 3, 4, 5, 6),
      status: 200,
      cache: 'hit',
      complete: true,
      route: { host: 'a.test', path: '/p' },
      agentId: 'agent-1',
      retries: 1,
      bytesIn: 3,
      bytesOut: 12,
      forwardedMs: 1.23456,
      backendMs: 11.239,
      totalMs: 20.005,
    });
    expect(summaryOf({ ...x, replayOf: '3' })).toEqual({
      id: '7',
      requestId: 'req-1',
      startedAt: '2024-01-02T03:04:05.006Z',
      method: 'GET',
      host: 'a.test',
      target: '/p?q=1',
      status: 200,
      errorCode: null,
      cache: 'hit',
      complete: true,
      route: { host: 'a.test', path: '/p' },
      agentId: 'agent-1',
      retries: 1,
      bytesIn: 3,
      bytesOut: 12,
      timings: { queueMs: 1.23, backendMs: 10, totalMs: 20.01 },
      replayOf: '3',
    });
  });

  it('uses null for what never happened', () => {
    const summary = summaryOf(exchange(undefined, '/', { errorCode: 'no_route', totalMs: 0.5 }));
    expect(summary).toMatchObject({ host: null, route: null, agentId: null, cache: null, replayOf: null });
    expect(summary.errorCode).toBe('no_route');
    expect(summary.timings).toEqual({ queueMs: null, backendMs: null, totalMs: 0.5 });
  });

  it('has no backend time for a forwarded request that got no response head', () => {
    const summary = summaryOf(exchange('a.test', '/', { forwardedMs: 2, totalMs: 30 }));
    expect(summary.timings).toEqual({ queueMs: 2, backendMs: null, totalMs: 30 });
  });
});

describe('detailOf', () => {
  const head = 'HTTP/1.1 302 Found\r\nLocation: http://b.test:8080/x\r\nSet-Cookie: sid=9\r\nX-Token: t\r\n\r\n';

  it('shows both heads with secrets redacted', () => {
    const x = exchange('a.test', '/', {
      httpVersion: '1.0',
      requestFields: ['Host', 'a.test', 'authorization', 'Bearer s', 'Accept', '*/*'],
      responseHead: head,
    });
    const detail = detailOf(x, fieldRedactor(['x-token']));
    expect(detail.request).toEqual({
      httpVersion: '1.0',
      headers: [
        { name: 'Host', value: 'a.test' },
        { name: 'authorization', value: REDACTED.inspector },
        { name: 'Accept', value: '*/*' },
      ],
      body: null,
    });
    expect(detail.response).toEqual({
      httpVersion: '1.1',
      statusText: 'Found',
      headers: [
        { name: 'Location', value: 'http://b.test:8080/x' },
        { name: 'Set-Cookie', value: REDACTED.inspector },
        { name: 'X-Token', value: REDACTED.inspector },
      ],
      body: null,
    });
    expect(detail.id).toBe('7');
  });

  it('has null response head parts when none was sent', () => {
    const detail = detailOf(exchange('a.test', '/'), fieldRedactor([]));
    expect(detail.response).toEqual({ httpVersion: null, statusText: null, headers: [], body: null });
  });

  it('includes the captured bodies', () => {
    const x = exchange('a.test', '/', {
      requestBody: capture(64, Buffer.from('{"a":1}')),
      responseBody: capture(64, Buffer.from('ok')),
    });
    const detail = detailOf(x, fieldRedactor([]));
    expect(detail.request.body?.text).toBe('{"a":1}');
    expect(detail.response.body?.text).toBe('ok');
  });
});

describe('bodyView', () => {
  it('is null without a capture or for an empty body', () => {
    expect(bodyView(undefined)).toBeNull();
    expect(bodyView(capture(16))).toBeNull();
  });

  it('shows UTF-8 as text', () => {
    expect(bodyView(capture(64, Buffer.from('héllo '), Buffer.from('wörld')))).toEqual({
      size: 13,
      truncated: false,
      encoding: 'utf8',
      text: 'héllo wörld',
    });
  });

  it('keeps a leading BOM', () => {
    expect(bodyView(capture(16, Buffer.from('\uFEFFhi')))?.text).toBe('\uFEFFhi');
  });

  it('shows binary as base64', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    expect(bodyView(capture(64, bytes))).toEqual({
      size: 6,
      truncated: false,
      encoding: 'base64',
      text: bytes.toString('base64'),
    });
  });

  it.each([1, 2, 3])('still shows text cut %i byte(s) into a 4-byte character', (cut) => {
    const body = Buffer.from('ab😀cd'); // 😀 is F0 9F 98 80
    const view = bodyView(capture(2 + cut, body));
    expect(view).toEqual({ size: body.length, truncated: true, encoding: 'utf8', text: 'ab' });
  });

  it('still shows text cut inside a 2-byte character', () => {
    expect(bodyView(capture(2, Buffer.from('aé')))).toMatchObject({ encoding: 'utf8', text: 'a', truncated: true });
  });

  it('is base64 when a whole body ends inside a character (nothing was cut)', () => {
    expect(bodyView(capture(8, Buffer.from([0x61, 0xe2, 0x82])))?.encoding).toBe('base64');
  });

  it('is base64 when a truncated body is invalid before its cut', () => {
    const view = bodyView(capture(3, Buffer.from([0x61, 0xff, 0x62, 0x63])));
    const kept = Buffer.from([0x61, 0xff, 0x62]).toString('base64');
    expect(view).toMatchObject({ encoding: 'base64', truncated: true, text: kept });
  });
});

describe('matchesFilter', () => {
  const x = exchange('Api.Example.COM:8443', '/v1/users?id=3', { status: 404 });

  it('passes with no filter', () => {
    expect(matchesFilter(x, {})).toBe(true);
  });

  it.each([
    ['api.example.com', true],
    ['API.EXAMPLE.COM:80', true],
    ['example.com', false],
    ['api.example.co', false],
  ])('host %s → %s', (host, expected) => {
    expect(matchesFilter(x, { host })).toBe(expected);
  });

  it('compares IPv6 hosts without their port', () => {
    expect(matchesFilter(exchange('[::1]:8080', '/'), { host: '[::1]' })).toBe(true);
    expect(matchesFilter(exchange('[::1]', '/'), { host: '[::2]' })).toBe(false);
  });

  it('never matches a host filter without a host', () => {
    expect(matchesFilter(exchange(undefined, '/'), { host: 'a.test' })).toBe(false);
  });

  it.each([
    ['/v1', true],
    ['/v1/us', true],
    ['/v1/users', true],
    ['/v1/users?', false],
    ['/v2', false],
  ])('path prefix %s → %s', (pathPrefix, expected) => {
    expect(matchesFilter(x, { pathPrefix })).toBe(expected);
  });

  it('takes the path of an absolute-form target', () => {
    const absolute = exchange('a.test', 'http://a.test:81/v1/x?y');
    expect(matchesFilter(absolute, { pathPrefix: '/v1/x' })).toBe(true);
    expect(matchesFilter(absolute, { pathPrefix: 'http' })).toBe(false);
  });

  it.each([
    [200, '2xx', true],
    [299, '2xx', true],
    [300, '2xx', false],
    [199, '2xx', false],
    [101, '1xx', true],
    [503, '5xx', true],
    [404, '4xx', true],
    [0, 'none', true],
    [200, 'none', false],
    [0, '5xx', false],
  ] as const)('status %i in %s → %s', (status, statusClass, expected) => {
    expect(matchesFilter(exchange('a.test', '/', { status }), { status: statusClass })).toBe(expected);
  });

  it('needs every given criterion', () => {
    expect(matchesFilter(x, { host: 'api.example.com', pathPrefix: '/v1', status: '4xx' })).toBe(true);
    expect(matchesFilter(x, { host: 'api.example.com', pathPrefix: '/v1', status: '2xx' })).toBe(false);
  });
});
