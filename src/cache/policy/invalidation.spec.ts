import { invalidatedKeys } from './invalidation.js';

const TARGET = 'https://api.example.com/items/7?x=1';

describe('invalidatedKeys (RFC 9111 §4.4)', () => {
  it.each<[string, string, number, string[], string[]]>([
    ['the target URI after an unsafe method', 'POST', 200, [], [TARGET]],
    ['on any 2xx', 'PUT', 204, [], [TARGET]],
    ['on a 3xx', 'POST', 303, [], [TARGET]],
    ['for methods whose safety is unknown', 'PURGE', 200, [], [TARGET]],
    ['case-insensitively on the method', 'delete', 200, [], [TARGET]],
    ['not after a safe method', 'GET', 200, ['Location', '/other'], []],
    ['not after HEAD, OPTIONS or TRACE', 'OPTIONS', 200, [], []],
    ['not on a 4xx', 'DELETE', 404, [], []],
    ['not on a 5xx', 'POST', 500, [], []],
    ['not on a 1xx', 'POST', 100, [], []],
    [
      'Location resolved against the target',
      'POST',
      201,
      ['Location', '/items/8'],
      [TARGET, 'https://api.example.com/items/8'],
    ],
    [
      'Content-Location resolved against the target (relative path)',
      'PUT',
      200,
      ['Content-Location', 'detail?v=2'],
      [TARGET, 'https://api.example.com/items/detail?v=2'],
    ],
    [
      'an absolute URI of the same origin, normalised like keys',
      'POST',
      201,
      ['location', 'HTTPS://API.example.com:443/items/%2f9'],
      [TARGET, 'https://api.example.com/items/%2F9'],
    ],
    ['never another host', 'POST', 201, ['Location', 'https://evil.example.com/items/7'], [TARGET]],
    ['never another scheme', 'POST', 201, ['Location', 'http://api.example.com/items/8'], [TARGET]],
    ['never another port', 'POST', 201, ['Location', 'https://api.example.com:8443/items/8'], [TARGET]],
    ['no duplicates', 'POST', 200, ['Location', TARGET, 'Content-Location', '/items/7?x=1'], [TARGET]],
    ['a reference that does not parse is skipped', 'POST', 201, ['Location', 'http://[bad'], [TARGET]],
    ['an empty reference is skipped', 'POST', 201, ['Location', ' '], [TARGET]],
    ['a fragment is not part of the key', 'POST', 201, ['Location', '/items/9#top'], [TARGET, 'https://api.example.com/items/9']],
  ])('%s', (_title, method, status, fields, expected) => {
    expect(invalidatedKeys(method, status, TARGET, fields)).toEqual(expected);
  });
});
