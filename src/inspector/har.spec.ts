import { BodyCapture } from '../exchange/index.js';
import { ExchangeReport } from '../exchange/index.js';
import { REDACTED } from '../http/redaction.js';
import { harJsonPieces, toHar, type HarEntry, type HarLog } from './har.js';
import type { InspectedExchange } from './inspected-exchange.js';
import { fieldRedactor } from './redaction.js';

const isSecret = fieldRedactor(['x-api-key']);
const options = { isSecret, creatorVersion: '1.2.3' };

function exchange(id: string, target: string, fill: Partial<ExchangeReport> = {}): InspectedExchange {
  const report = Object.assign(new ExchangeReport(`req-${id}`, 'GET', 'a.test', target), fill);
  return { id, report };
}

function capture(limit: number, body: Buffer): BodyCapture {
  const captured = new BodyCapture(limit);
  captured.push(body);
  return captured;
}

function entryOf(x: InspectedExchange): HarEntry {
  return toHar([x], options).log.entries[0];
}

// --- A structural check of HAR 1.2's required members (no schema dependency). ---

type Check = 'string' | 'number' | 'array' | 'object';
const NAME_VALUE: Record<string, Check> = { name: 'string', value: 'string' };
const REQUIRED: Record<string, Record<string, Check>> = {
  log: { version: 'string', creator: 'object', entries: 'array' },
  creator: { name: 'string', version: 'string' },
  entry: {
    startedDateTime: 'string', time: 'number', request: 'object', response: 'object', cache: 'object', timings: 'object',
  },
  request: {
    method: 'string', url: 'string', httpVersion: 'string', cookies: 'array', headers: 'array',
    queryString: 'array', headersSize: 'number', bodySize: 'number',
  },
  response: {
    status: 'number', statusText: 'string', httpVersion: 'string', cookies: 'array', headers: 'array',
    content: 'object', redirectURL: 'string', headersSize: 'number', bodySize: 'number',
  },
  content: { size: 'number', mimeType: 'string' },
  postData: { mimeType: 'string' },
  timings: { send: 'number', wait: 'number', receive: 'number' },
};

function typeOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

function checkMembers(value: unknown, kind: string, at: string, problems: string[]): void {
  const record = value as Record<string, unknown>;
  for (const [key, type] of Object.entries(REQUIRED[kind] ?? NAME_VALUE)) {
    if (typeOf(record[key]) !== type) problems.push(`${at}.${key} should be ${type}, is ${typeOf(record[key])}`);
  }
}

function harProblems(doc: HarLog): string[] {
  const problems: string[] = [];
  checkMembers(doc.log, 'log', 'log', problems);
  if (doc.log.version !== '1.2') problems.push('log.version should be 1.2');
  checkMembers(doc.log.creator, 'creator', 'log.creator', problems);
  doc.log.entries.forEach((entry, i) => {
    const at = `log.entries[${i}]`;
    checkMembers(entry, 'entry', at, problems);
    if (Number.isNaN(Date.parse(entry.startedDateTime))) problems.push(`${at}.startedDateTime is not a date`);
    checkMembers(entry.request, 'request', `${at}.request`, problems);
    checkMembers(entry.response, 'response', `${at}.response`, problems);
    checkMembers(entry.response.content, 'content', `${at}.response.content`, problems);
    if (entry.request.postData) checkMembers(entry.request.postData, 'postData', `${at}.request.postData`, problems);
    for (const list of ['headers', 'cookies', 'queryString'] as const) {
      entry.request[list].forEach((pair, j) => checkMembers(pair, 'pair', `${at}.request.${list}[${j}]`, problems));
    }
    entry.response.headers.forEach((pair, j) => checkMembers(pair, 'pair', `${at}.response.headers[${j}]`, problems));
    checkMembers(entry.timings, 'timings', `${at}.timings`, problems);
    problems.push(...timingProblems(entry, at));
  });
  return problems;
}

/** Timings are ≥ 0 or -1 (only where HAR allows it), and `time` is the sum of those not -1. */
function timingProblems(entry: HarEntry, at: string): string[] {
  const problems: string[] = [];
  let sum = 0;
  for (const [phase, ms] of Object.entries(entry.timings)) {
    const optional = ['blocked', 'dns', 'connect', 'ssl'].includes(phase);
    if (ms < 0 && !(optional && ms === -1)) problems.push(`${at}.timings.${phase} is ${ms}`);
    if (ms !== -1) sum += ms;
  }
  if (entry.time !== sum) problems.push(`${at}.time is ${entry.time}, timings sum to ${sum}`);
  return problems;
}

// --- The tests. ---

describe('toHar', () => {
  const proxied = exchange('1', '/search?q=a%20b&tag=x&tag=y&bad=%zz&plus=1+2', {
    startedAt: Date.UTC(2024, 5, 1, 12, 0, 0, 500),
    status: 302,
    httpVersion: '1.1',
    requestFields: ['Host', 'a.test', 'Cookie', 'sid=1', 'X-API-Key', 'k', 'Accept', '*/*'],
    responseHead: 'HTTP/1.1 302 Found\r\nLocation: /login\r\nSet-Cookie: sid=2\r\nContent-Type: text/html\r\n\r\n',
    responseBody: capture(4, Buffer.from('<html>')),
    bytesOut: 6,
    forwardedMs: 1.111,
    backendMs: 9.226,
    totalMs: 12.349,
    complete: true,
    agentId: 'agent-1',
  });
  const posted = exchange('2', '/upload', {
    startedAt: Date.UTC(2024, 5, 1, 12, 0, 0, 100),
    status: 502,
    errorCode: 'backend_failed',
    scheme: 'https',
    requestFields: ['Content-Type', 'application/octet-stream'],
    requestBody: capture(64, Buffer.from([0, 1, 2, 0xff])),
    bytesIn: 4,
    forwardedMs: 0.5,
    totalMs: 3.2,
  });
  // Arrives last (now); no Host, nothing forwarded, no response head.
  const refused: InspectedExchange = { id: '3', report: new ExchangeReport('req-3', 'GET', undefined, '/x') };

  it('produces a document with every HAR 1.2 required member, oldest entry first', () => {
    const doc = toHar([proxied, posted, refused], options);
    expect(harProblems(doc)).toEqual([]);
    expect(doc.log.creator).toEqual({ name: 'HARP', version: '1.2.3' });
    expect(doc.log.entries.map((e) => e._id)).toEqual(['2', '1', '3']);
  });

  it('is checked by a structural check that does catch problems', () => {
    const entry = entryOf(proxied);
    const bad = { ...entry, time: entry.time + 1, request: { ...entry.request, url: 1 } };
    const broken = { log: { ...toHar([], options).log, entries: [bad] } };
    expect(harProblems(broken as unknown as HarLog)).toEqual([
      'log.entries[0].request.url should be string, is number',
      expect.stringMatching(/^log\.entries\[0\]\.time is .*, timings sum to /),
    ]);
  });

  it('orders by arrival, then input order for equal arrivals', () => {
    const a = exchange('a', '/', { startedAt: 1000 });
    const b = exchange('b', '/', { startedAt: 1000 });
    const c = exchange('c', '/', { startedAt: 500 });
    expect(toHar([a, b, c], options).log.entries.map((e) => e._id)).toEqual(['c', 'a', 'b']);
  });

  it('builds the URL and decoded query from the target, tolerating bad encoding', () => {
    const { request } = entryOf(proxied);
    expect(request.url).toBe('http://a.test/search?q=a%20b&tag=x&tag=y&bad=%zz&plus=1+2');
    expect(request.queryString).toEqual([
      { name: 'q', value: 'a b' },
      { name: 'tag', value: 'x' },
      { name: 'tag', value: 'y' },
      { name: 'bad', value: '%zz' },
      { name: 'plus', value: '1 2' },
    ]);
    expect(request.httpVersion).toBe('HTTP/1.1');
  });

  it('uses https, localhost without a host, and an absolute-form target as is', () => {
    expect(entryOf(posted).request.url).toBe('https://a.test/upload');
    expect(entryOf(refused).request.url).toBe('http://localhost/x');
    expect(entryOf(exchange('4', 'http://b.test:81/p?x=1')).request.url).toBe('http://b.test:81/p?x=1');
  });

  it('redacts secret fields in both heads and leaves cookies empty', () => {
    const { request, response } = entryOf(proxied);
    expect(request.headers).toEqual([
      { name: 'Host', value: 'a.test' },
      { name: 'Cookie', value: REDACTED.inspector },
      { name: 'X-API-Key', value: REDACTED.inspector },
      { name: 'Accept', value: '*/*' },
    ]);
    expect(response.headers).toContainEqual({ name: 'Set-Cookie', value: REDACTED.inspector });
    expect(request.cookies).toEqual([]);
    expect(response.cookies).toEqual([]);
    expect(JSON.stringify(toHar([proxied], options))).not.toMatch(/sid=|"k"/);
  });

  it('describes the response, its truncated body and its redirect', () => {
    expect(entryOf(proxied).response).toEqual({
      status: 302,
      statusText: 'Found',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: expect.any(Array),
      content: { size: 6, mimeType: 'text/html', text: '<htm', comment: 'truncated' },
      redirectURL: '/login',
      headersSize: -1,
      bodySize: 6,
    });
  });

  it('posts a binary request body as base64, marked by a comment', () => {
    expect(entryOf(posted).request.postData).toEqual({
      mimeType: 'application/octet-stream',
      text: Buffer.from([0, 1, 2, 0xff]).toString('base64'),
      comment: 'base64',
    });
    expect(entryOf(posted).request.bodySize).toBe(4);
    expect(entryOf(proxied).request).not.toHaveProperty('postData');
  });

  it('marks a binary response body with encoding base64', () => {
    const x = exchange('5', '/img', {
      responseHead: 'HTTP/1.1 200 OK\r\n\r\n',
      responseBody: capture(64, Buffer.from([0x89, 0x50, 0xff])),
      bytesOut: 3,
    });
    expect(entryOf(x).response.content).toEqual({
      size: 3,
      mimeType: 'x-unknown',
      text: Buffer.from([0x89, 0x50, 0xff]).toString('base64'),
      encoding: 'base64',
    });
  });

  it('splits the time into blocked, wait and receive, summing to time', () => {
    const entry = entryOf(proxied);
    expect(entry.timings).toEqual({ blocked: 1.11, dns: -1, connect: -1, send: 0, wait: 8.12, receive: 3.12 });
    expect(entry.time).toBeCloseTo(12.35, 10);
    expect(timingProblems(entry, 'e')).toEqual([]);
  });

  it('uses -1 for blocked when nothing was forwarded, and 0 wait without a backend response', () => {
    const entry = entryOf(refused);
    expect(entry.timings).toEqual({ blocked: -1, dns: -1, connect: -1, send: 0, wait: 0, receive: 0 });
    expect(entry.time).toBe(0);
    expect(entryOf(posted).timings).toMatchObject({ blocked: 0.5, wait: 0, receive: 2.7 });
  });

  it('never has a negative receive, even when the offsets disagree after rounding', () => {
    const entry = entryOf(exchange('6', '/', { forwardedMs: 5, backendMs: 9, totalMs: 8 }));
    expect(entry.timings.receive).toBe(0);
    expect(timingProblems(entry, 'e')).toEqual([]);
  });

  it('describes a proxy-made answer without a head', () => {
    const entry = entryOf(refused);
    expect(entry.response).toMatchObject({ status: 0, statusText: '', httpVersion: '', headers: [], redirectURL: '' });
    expect(entry.response.content).toEqual({ size: 0, mimeType: 'x-unknown' });
  });

  it('carries HARP ids and the error code as custom fields', () => {
    expect(entryOf(posted)).toMatchObject({ _id: '2', _requestId: 'req-2', _error: 'backend_failed' });
    expect(entryOf(proxied)._error).toBeNull();
    expect(entryOf(proxied).startedDateTime).toBe('2024-06-01T12:00:00.500Z');
    expect(entryOf(proxied).cache).toEqual({});
  });

  it('is an empty log without exchanges', () => {
    const doc = toHar([], options);
    expect(harProblems(doc)).toEqual([]);
    expect(doc.log.entries).toEqual([]);
  });
});

describe('harJsonPieces', () => {
  const first = exchange('1', '/a', { startedAt: 2000, requestFields: ['Cookie', 'sid=1'] });
  const second = exchange('2', '/b', { startedAt: 1000, requestBody: capture(8, Buffer.from([0, 0xff])) });

  it('is the JSON text of the same document as toHar, an opening, a piece per entry and a close', () => {
    const pieces = [...harJsonPieces([first, second], options)];
    expect(pieces).toHaveLength(4);
    expect(JSON.parse(pieces.join(''))).toEqual(JSON.parse(JSON.stringify(toHar([first, second], options))));
    expect(pieces.join('')).not.toContain('sid=1');
  });

  it('is a valid empty log without exchanges', () => {
    expect(JSON.parse([...harJsonPieces([], options)].join(''))).toEqual(toHar([], options));
  });

  it('builds an entry only when its piece is asked for', () => {
    const built: string[] = [];
    const spy = { ...options, isSecret: (name: string) => (built.push(name), options.isSecret(name)) };
    const lazy = harJsonPieces([first], spy);
    lazy.next();
    expect(built).toEqual([]);
    lazy.next();
    expect(built).toContain('Cookie');
  });
});
