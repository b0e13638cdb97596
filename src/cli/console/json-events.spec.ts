import { readFileSync } from 'node:fs';
import { JSON_EVENT_NAMES, jsonLine } from './json-events.js';

const at = new Date('2026-12-03T14:00:00.000Z');
const parsed = (line: string): unknown => {
  expect(line.endsWith('\n')).toBe(true);
  expect(line.slice(0, -1)).not.toContain('\n');
  return JSON.parse(line);
};

describe('jsonLine', () => {
  it('writes a request with method, path, status, duration in ms (one decimal), bytes and request id', () => {
    const record = { method: 'POST', target: '/a?b=1', status: 201, ms: 12.345, bytes: 17, requestId: 'r-1' };
    expect(parsed(jsonLine({ event: 'request', record }, at))).toEqual({
      time: '2026-12-03T14:00:00.000Z',
      event: 'request',
      method: 'POST',
      path: '/a?b=1',
      status: 201,
      durationMs: 12.3,
      bytes: 17,
      requestId: 'r-1',
    });
  });

  it('writes a request that got no answer with status null and its error, and leaves out what is not known', () => {
    const record = { method: 'GET', target: '/', status: 0, ms: 3, error: 'connect ECONNREFUSED 127.0.0.1:1' };
    expect(parsed(jsonLine({ event: 'request', record }, at))).toEqual({
      time: at.toISOString(),
      event: 'request',
      method: 'GET',
      path: '/',
      status: null,
      durationMs: 3,
      error: 'connect ECONNREFUSED 127.0.0.1:1',
    });
  });

  it('writes the other events as they are, after the time', () => {
    const line = jsonLine({ event: 'connection', server: 'ws://p', state: 'reconnecting', retryInMs: 500, reason: 'proxy shutting down' }, at);
    expect(line).toBe(
      '{"time":"2026-12-03T14:00:00.000Z","event":"connection","server":"ws://p","state":"reconnecting","retryInMs":500,"reason":"proxy shutting down"}\n',
    );
    expect(parsed(jsonLine({ event: 'stopped', exitCode: 0 }, at))).toEqual({ time: at.toISOString(), event: 'stopped', exitCode: 0 });
  });

  it('writes the end of routes\' ttl, and whether it was the last', () => {
    const line = jsonLine({ event: 'expired', server: 'ws://p', routes: [{ host: 'a.test', path: '/' }], allExpired: true }, at);
    expect(parsed(line)).toEqual({ time: at.toISOString(), event: 'expired', server: 'ws://p', routes: [{ host: 'a.test', path: '/' }], allExpired: true });
  });

  it('keeps a path with quotes, newlines and non-ASCII on one parseable line', () => {
    const record = { method: 'GET', target: '/"x"\n/é', status: 200, ms: 1 };
    expect(parsed(jsonLine({ event: 'request', record }, at))).toMatchObject({ path: '/"x"\n/é' });
  });
});

describe('docs/agent-console.md', () => {
  it('lists every JSON event, and no other, in its table', () => {
    const doc = readFileSync(new URL('../../../docs/agent-console.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## JSON events'), doc.indexOf('## Stopping'));
    const listed = [...section.matchAll(/^\| `([a-z]+)` \|/gm)].map((m) => m[1]);
    // The header row names the column `event`.
    expect(listed.slice(1)).toEqual(JSON_EVENT_NAMES);
  });
});
