import { FORWARDING_FIELDS } from '../../http/forwarding.js';
import { UNKEYED_FIELDS_ALWAYS, UNKEYED_FIELDS_CACHEABLE, unkeyedRequestFields } from './poisoning.js';

describe('unkeyedRequestFields (cache poisoning guard)', () => {
  it.each([
    ['GET', 'x-original-url', true],
    ['GET', 'x-rewrite-url', true],
    ['GET', 'x-host', true],
    ['GET', 'x-forwarded-server', true],
    ['GET', 'x-forwarded-scheme', true],
    ['GET', 'x-http-method-override', true],
    ['GET', 'x-http-method', true],
    ['GET', 'x-method-override', true],
    ['HEAD', 'x-http-method-override', true],
    ['POST', 'x-original-url', true],
    ['POST', 'x-forwarded-scheme', true],
    // Method overrides are how some clients send PATCH or DELETE; POST is never cached.
    ['POST', 'x-http-method-override', false],
    ['PUT', 'x-method-override', false],
    // Ordinary fields stay.
    ['GET', 'accept', false],
    ['GET', 'user-agent', false],
  ])('%s drops %s: %s', (method, field, dropped) => {
    expect(unkeyedRequestFields(method).has(field)).toBe(dropped);
  });

  it('lists only lowercased names', () => {
    for (const name of UNKEYED_FIELDS_CACHEABLE) expect(name).toBe(name.toLowerCase());
  });

  it('does not repeat what the forwarding fields already replace', () => {
    for (const name of UNKEYED_FIELDS_CACHEABLE) expect(FORWARDING_FIELDS.has(name)).toBe(false);
  });

  it('the cacheable set includes everything dropped always', () => {
    for (const name of UNKEYED_FIELDS_ALWAYS) expect(UNKEYED_FIELDS_CACHEABLE.has(name)).toBe(true);
  });
});
