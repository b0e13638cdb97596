import { normalizeHostPattern, normalizePathPrefix, normalizeRequestHost } from './route-pattern.js';
import { RoutePatternError } from './routing.errors.js';

function errorOf(fn: () => unknown): RoutePatternError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RoutePatternError) return error;
    throw error;
  }
  throw new Error('expected a RoutePatternError');
}

describe('normalizeHostPattern', () => {
  it.each([
    ['api.example.com', 'api.example.com'],
    ['API.Example.COM', 'api.example.com'],
    ['api.example.com.', 'api.example.com'],
    ['api.example.com:8080', 'api.example.com'],
    ['api.example.com.:443', 'api.example.com'],
    ['localhost', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.1:3000', '127.0.0.1'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['a-b.c-d.example', 'a-b.c-d.example'],
    ['*.example.com', '*.example.com'],
    ['*.Example.com:80', '*.example.com'],
    ['*.example.com.', '*.example.com'],
    ['*.com', '*.com'],
    ['*', '*'],
    ['*:8080', '*'],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
    [`${'a.'.repeat(126)}b`, `${'a.'.repeat(126)}b`], // 253 characters
  ])('%s → %s', (input, expected) => {
    expect(normalizeHostPattern(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['.', 'empty'],
    [':8080', 'empty'],
    ['example..com', 'empty label'],
    ['.example.com', 'empty label'],
    ['example.com..', 'empty label'],
    ['-example.com', 'letters, digits and inner hyphens'],
    ['example-.com', 'letters, digits and inner hyphens'],
    ['exa_mple.com', 'letters, digits and inner hyphens'],
    ['exa mple.com', 'letters, digits and inner hyphens'],
    ['example.com/', 'letters, digits and inner hyphens'],
    ['bücher.example', 'punycode'],
    ['\u212Aelvin.example', 'punycode'], // KELVIN SIGN lowercases to ASCII 'k'
    ['example.com:http', 'port'],
    ['example.com:123456', 'port'],
    ['[::1]', 'IPv6'],
    ['::1', 'IPv6'],
    ['**', 'wildcard'],
    ['*example.com', 'wildcard'],
    ['a.*.example.com', 'wildcard'],
    ['*.*.example.com', 'wildcard'],
    ['example.*', 'wildcard'],
    ['*.', 'wildcard'],
    [`${'a'.repeat(64)}.example`, 'longer than 63'],
    [`${'a.'.repeat(126)}bc`, 'longer than 253'],
  ])('rejects %j (%s)', (input, reason) => {
    const error = errorOf(() => normalizeHostPattern(input));
    expect(error.code).toBe('route_host_invalid');
    expect(error.reason).toContain(reason);
    expect(error.input).toBe(input);
  });
});

describe('normalizePathPrefix', () => {
  it.each([
    ['/', '/'],
    ['/api', '/api'],
    ['/api/', '/api'],
    ['/api/v1/', '/api/v1'],
    ['/API', '/API'],
    ['/a-b_c.d~e', '/a-b_c.d~e'],
    ['/%7Euser', '/%7Euser'],
    ['/a:b@c', '/a:b@c'],
    ["/!$&'()*+,;=", "/!$&'()*+,;="],
    ['/...', '/...'],
    ['/.well-known', '/.well-known'],
    ['/' + 'a'.repeat(1023), '/' + 'a'.repeat(1023)],
  ])('%s → %s', (input, expected) => {
    expect(normalizePathPrefix(input)).toBe(expected);
  });

  it.each([
    ['', "start with '/'"],
    ['api', "start with '/'"],
    ['*', "start with '/'"],
    ['http://x/api', "start with '/'"],
    ['/api?x=1', "'?' or '#'"],
    ['/api#top', "'?' or '#'"],
    ['/api\0', 'control'],
    ['/api\n', 'control'],
    ['/api\x7f', 'control'],
    ['/a b', 'percent-encoded'],
    ['/ü', 'percent-encoded'],
    ['/a\\b', 'percent-encoded'],
    ['/a%', 'hex escape'],
    ['/a%2', 'hex escape'],
    ['/a%zz', 'hex escape'],
    ['//', 'empty segment'],
    ['/api//v1', 'empty segment'],
    ['/api//', 'empty segment'],
    ['/.', "'.' or '..'"],
    ['/..', "'.' or '..'"],
    ['/api/../admin', "'.' or '..'"],
    ['/api/./x', "'.' or '..'"],
    ['/api/..', "'.' or '..'"],
    ['/api/../', "'.' or '..'"],
    ['/api/%2e%2E/admin', "'.' or '..'"],
    ['/api/.%2e', "'.' or '..'"],
    ['/api/%2E', "'.' or '..'"],
    ['/' + 'a'.repeat(1024), 'longer than 1024'],
  ])('rejects %j (%s)', (input, reason) => {
    const error = errorOf(() => normalizePathPrefix(input));
    expect(error.code).toBe('route_path_invalid');
    expect(error.reason).toContain(reason);
  });
});

describe('normalizeRequestHost', () => {
  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['example.com', 'example.com'],
    ['Example.COM', 'example.com'],
    ['example.com:8080', 'example.com'],
    ['example.com:', 'example.com'],
    ['example.com.', 'example.com'],
    ['example.com.:8080', 'example.com'],
    ['my_service:3000', 'my_service'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]', '[::1]'],
    ['[::1]:8080', '[::1]'],
    ['[2001:DB8::1]:443', '[2001:db8::1]'],
    ['[::ffff:127.0.0.1]', '[::ffff:127.0.0.1]'],
    ['.', undefined],
    [':8080', undefined],
    ['example.com:http', undefined],
    ['example.com:1:2', undefined],
    ['::1', undefined],
    ['[::1', undefined],
    ['[::1]x', undefined],
    ['[fe80::1%eth0]', undefined],
    ['a..example.com', undefined],
    ['.example.com', undefined],
    ['exa mple.com', undefined],
    ['evil/..example.com', undefined],
    ['\u212Aelvin.example', undefined],
    [`${'a.'.repeat(127)}b`, undefined], // 255 characters: no DNS name is that long
  ])('%j → %j', (input, expected) => {
    expect(normalizeRequestHost(input)).toBe(expected);
  });

  // Results are remembered: a second call, and one past the memo's bound, must agree.
  it('answers the same for a Host asked again, also after many other hosts', () => {
    expect(normalizeRequestHost('Again.Example.COM.:8080')).toBe('again.example.com');
    expect(normalizeRequestHost('bad host')).toBeUndefined();
    for (let i = 0; i < 3000; i++) normalizeRequestHost(`h${i}.example.com`);
    expect(normalizeRequestHost('Again.Example.COM.:8080')).toBe('again.example.com');
    expect(normalizeRequestHost('bad host')).toBeUndefined();
    expect(normalizeRequestHost('h2999.example.com')).toBe('h2999.example.com');
  });
});
