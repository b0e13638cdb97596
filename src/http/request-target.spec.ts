import { parseTarget, withHost } from './request-target.js';

describe('parseTarget, origin form', () => {
  it.each([
    ['/', '/', '/'],
    ['/api/items?x=1&y=2', '/api/items', '/api/items?x=1&y=2'],
    ['/a?', '/a', '/a?'],
    ['/a%2Fb/%2e%2e/c', '/a%2Fb/%2e%2e/c', '/a%2Fb/%2e%2e/c'],
    ['//double/slash', '//double/slash', '//double/slash'],
    ['/q?next=/x?y', '/q', '/q?next=/x?y'],
  ])('%j → path %j, origin %j (raw, not decoded or normalized)', (url, path, origin) => {
    expect(parseTarget(url, 'h.example')).toEqual({ host: 'h.example', path, origin, absolute: false });
  });

  it('keeps the Host field as it came, port and case included', () => {
    expect(parseTarget('/', 'API.Example.com:8080')?.host).toBe('API.Example.com:8080');
    expect(parseTarget('/', undefined)?.host).toBeUndefined();
  });

  // Regression: Node lets a fragment through; `/_harp#x` was routed to a backend as `/_harp#x`.
  it.each([
    ['/_harp#x', '/_harp'],
    ['/a#b?c', '/a'],
    ['/a?b#c', '/a'],
  ])('ends the path at a stray fragment: %j → %j', (url, path) => {
    expect(parseTarget(url, 'h')?.path).toBe(path);
  });
});

describe('parseTarget, absolute form (RFC 9112 §3.2.2)', () => {
  it.each([
    ['http://api.example.com/v1/x?q=1', 'api.example.com', '/v1/x', '/v1/x?q=1'],
    ['HTTP://API.EXAMPLE.COM:8080/x', 'api.example.com:8080', '/x', '/x'],
    ['http://api.example.com:80/x', 'api.example.com', '/x', '/x'],
    ['https://api.example.com', 'api.example.com', '/', '/'],
    ['http://api.example.com?q', 'api.example.com', '/', '/?q'],
    ['http://[::1]:8080/x', '[::1]:8080', '/x', '/x'],
  ])('%j → host %j, path %j, origin %j', (url, host, path, origin) => {
    expect(parseTarget(url, 'ignored.example')).toEqual({ host, path, origin, absolute: true });
  });

  it('routes on the normalized path it forwards, so the two cannot disagree', () => {
    expect(parseTarget('http://h/a/../_harp/x', 'h')).toMatchObject({ path: '/_harp/x', origin: '/_harp/x' });
  });

  it.each(['*', 'api.example.com:443', 'ftp://h/x', 'http://exa mple/x', 'http://', '', 'x/y', 'ws://h/'])(
    'refuses the target %j',
    (url) => {
      expect(parseTarget(url, 'h')).toBeUndefined();
    },
  );

  // RFC 9110 §4.2.4: a recipient treats userinfo in an untrusted http(s) URI as an error.
  it.each([
    'http://user:secret@api.example.com/x',
    'http://a.test@b.test/',
    'http://@b.test/',
    'HTTPS://a@b.test?q',
    'http://b.test@',
    'http://a.test%40x@b.test/',
  ])(
    'refuses the target %j, whose authority has userinfo',
    (url) => {
      expect(parseTarget(url, 'h')).toBeUndefined();
    },
  );
});

describe('withHost', () => {
  it('replaces the Host field in place, keeping the others in order', () => {
    expect(withHost(['Accept', '*/*', 'host', 'evil.example', 'X-A', '1'], 'api.example.com')).toEqual([
      'Accept', '*/*', 'host', 'api.example.com', 'X-A', '1',
    ]);
  });

  it('leaves one Host field where there were several', () => {
    expect(withHost(['Host', 'a', 'X', '1', 'HOST', 'b'], 'c')).toEqual(['Host', 'c', 'X', '1']);
  });

  it('adds Host first when there was none (an HTTP/1.0 request)', () => {
    expect(withHost(['X', '1'], 'c')).toEqual(['Host', 'c', 'X', '1']);
  });

  it('does not take X-Host or Hosts for Host', () => {
    expect(withHost(['X-Host', 'a', 'Hosts', 'b', 'Host', 'c'], 'd')).toEqual(['X-Host', 'a', 'Hosts', 'b', 'Host', 'd']);
  });
});
