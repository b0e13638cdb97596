import { requestIdFor } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFor', () => {
  it.each([
    'abc',
    '0f8fad5b-d9cb-469f-a165-70867728950e',
    'trace:span@host.example_1-2',
    'x'.repeat(128),
  ])('keeps the sane id %j', (id) => {
    expect(requestIdFor(id)).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'a b'],
    ['129 characters', 'x'.repeat(129)],
    ['500 characters', 'y'.repeat(500)],
    ['with CR LF', 'a\r\nX-Injected: 1'],
    ['with a quote', 'a"b'],
    ['with a comma (two joined fields)', 'a, b'],
    ['with a slash', '../../etc'],
    ['non-ASCII', 'идентификатор'],
  ])('replaces an id %s with a fresh UUID', (_what, id) => {
    const replaced = requestIdFor(id);
    expect(replaced).toMatch(UUID);
    expect(replaced).not.toBe(id);
  });

  it('makes a fresh UUID when none was sent, a different one each time', () => {
    const a = requestIdFor(undefined);
    const b = requestIdFor(undefined);
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it('does not pick one of several ids sent as a list', () => {
    expect(requestIdFor(['abc', 'def'])).toMatch(UUID);
  });
});
