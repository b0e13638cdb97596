import {
  allExpiredLine,
  alsoRegisteredLine,
  expiredLine,
  disconnectedLine,
  drainLine,
  exchangeLine,
  formatMs,
  forwardingLines,
  keyRejectedLine,
  publicUrl,
  routeRejectedLine,
} from './output.js';

describe('publicUrl', () => {
  it.each([
    ['ws://127.0.0.1:8080', '*', '/', 'http://127.0.0.1:8080/'],
    ['http://127.0.0.1:8080', '*', '/api', 'http://127.0.0.1:8080/api'],
    ['127.0.0.1:8080', '*', '/', 'http://127.0.0.1:8080/'],
    ['ws://proxy.example.com:8080', 'app.example.com', '/', 'http://app.example.com:8080/'],
    ['ws://proxy.example.com', 'app.example.com', '/api', 'http://app.example.com/api'],
    ['wss://proxy.example.com', 'app.example.com', '/', 'https://app.example.com/'],
    ['https://proxy.example.com:8443/_harp/connect', '*', '/', 'https://proxy.example.com:8443/'],
    ['ws://[::1]:8080', '*', '/', 'http://[::1]:8080/'],
    ['ws://p:8080', '*.example.com', '/', 'http://*.example.com:8080/'],
  ])('%s with %s%s → %s', (server, host, path, expected) => {
    expect(publicUrl(server, { host, path })).toBe(expected);
  });
});

describe('request log and diagnostics', () => {
  it('prints one forwarding line per route', () => {
    const routes = [
      { host: '*', path: '/' },
      { host: 'a.test', path: '/x' },
    ];
    expect(forwardingLines('ws://127.0.0.1:8080', 'http://127.0.0.1:3000', routes)).toBe(
      'Forwarding http://127.0.0.1:8080/ -> http://127.0.0.1:3000\n' +
        'Forwarding http://a.test:8080/x -> http://127.0.0.1:3000\n',
    );
  });

  it.each([
    [{ method: 'GET', target: '/a?b=1', status: 200, ms: 3.04 }, 'GET /a?b=1 200 3.0ms\n'],
    [{ method: 'POST', target: '/up', status: 201, ms: 1234.5 }, 'POST /up 201 1235ms\n'],
    [{ method: 'GET', target: '/x', status: 0, ms: 2, error: 'connect ECONNREFUSED' }, 'GET /x ERR 2.0ms (connect ECONNREFUSED)\n'],
    [{ method: 'GET', target: '/big', status: 200, ms: 50, error: 'aborted' }, 'GET /big 200 50ms (aborted)\n'],
  ])('logs %j as %j', (record, line) => {
    expect(exchangeLine(record)).toBe(line);
  });

  it.each([
    [0.04, '0.0ms'],
    [9.94, '9.9ms'],
    [9.96, '10ms'],
    [10.4, '10ms'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });

  it('names the proxy and the code of a rejection', () => {
    expect(keyRejectedLine({ code: 'key_rejected', reason: 'the key is not accepted by this proxy' })).toBe(
      'harp: the proxy rejected the key: the key is not accepted by this proxy (key_rejected)\n',
    );
    expect(routeRejectedLine({ host: '*', path: '/', code: 'route_owned', reason: '*/ is registered by another key' })).toBe(
      'harp: the proxy refused the route */: */ is registered by another key (route_owned)\n',
    );
  });

  it('names the proxy in each line when there are several', () => {
    const rejection = { host: '*', path: '/', code: 'route_owned', reason: 'taken' };
    expect(keyRejectedLine({ code: 'key_rejected', reason: 'no' }, 'ws://b:8080')).toBe(
      'harp: the proxy at ws://b:8080 rejected the key: no (key_rejected)\n',
    );
    expect(routeRejectedLine(rejection, 'ws://b:8080')).toBe('harp: the proxy at ws://b:8080 refused the route */: taken (route_owned)\n');
    expect(drainLine('maintenance', 'ws://b:8080')).toBe(
      'harp: the proxy at ws://b:8080 asked this agent to stop (maintenance); finishing requests in flight there\n',
    );
    expect(drainLine(undefined)).toBe('harp: the proxy asked this agent to stop; finishing requests in flight\n');
    expect(alsoRegisteredLine('ws://b:8080')).toBe('harp: also registered on ws://b:8080\n');
  });

  it.each([
    [{ connected: true, code: 1001, reason: 'proxy shutting down' }, 'lost the connection to ws://p:8080 (proxy shutting down)'],
    [{ connected: false, code: 1006, reason: '', error: 'connect ECONNREFUSED' }, 'cannot connect to ws://p:8080 (connect ECONNREFUSED)'],
    [{ connected: true, code: 1006, reason: '' }, 'lost the connection to ws://p:8080 (close code 1006)'],
  ])('explains a disconnect %j', (info, text) => {
    expect(disconnectedLine({ server: 'ws://p:8080', delayMs: 1250, ...info })).toBe(`harp: ${text}; retrying in 1.3s\n`);
  });
});

describe('public URLs the proxy tells, and route lifetimes', () => {
  it('prints the URL the proxy told, when it told one', () => {
    const routes = [{ host: 'brave-otter-7f3kq2.t.example', path: '/', url: 'https://brave-otter-7f3kq2.t.example/' }, { host: 'a.test', path: '/' }];
    expect(forwardingLines('ws://127.0.0.1:8080', 'http://127.0.0.1:3000', routes)).toBe(
      'Forwarding https://brave-otter-7f3kq2.t.example/ -> http://127.0.0.1:3000\n' + 'Forwarding http://a.test:8080/ -> http://127.0.0.1:3000\n',
    );
  });

  it('names a refused subdomain that got no host by the subdomain asked for', () => {
    const rejection = { host: '', path: '/', subdomain: 'random', code: 'subdomain_unavailable', reason: 'no public domain' };
    expect(routeRejectedLine(rejection)).toBe('harp: the proxy refused the route subdomain random: no public domain (subdomain_unavailable)\n');
  });

  it('says when a route reached the end of its ttl, and when all did', () => {
    expect(expiredLine({ host: 'demo.t.example', path: '/' })).toBe('harp: the proxy ended the route demo.t.example/: its ttl has passed\n');
    expect(allExpiredLine()).toBe('harp: every route reached the end of its ttl; exiting\n');
  });
});
