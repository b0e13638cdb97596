import { ageSeconds, DELTA_SECONDS_MAX, EXPIRED, freshnessFields, libraryStatus, STAND_IN_STATUS } from './freshness-fields.js';

describe('ageSeconds (RFC 9111 §5.1, §1.2.2)', () => {
  it.each<[string, string[], number | undefined]>([
    ['a non-negative integer', ['42'], 42],
    ['zero', ['0'], 0],
    ['leading zeros', ['007'], 7],
    ['the first member of a list', ['5, 6'], 5],
    ['the first of two lines', ['5', '6'], 5],
    ['a fraction is invalid', ['1.5'], undefined],
    ['a negative value is invalid', ['-1'], undefined],
    ['a plus sign is invalid', ['+1'], undefined],
    ['letters are invalid', ['abc'], undefined],
    ['an empty value is invalid', [''], undefined],
    ['an invalid first member is not skipped', ['x, 6'], undefined],
    ['more than 2^31 is capped', ['2147483649'], DELTA_SECONDS_MAX],
    ['far more than a double holds is capped', ['9'.repeat(400)], DELTA_SECONDS_MAX],
    ['absent', [], undefined],
  ])('%s', (_title, lines, expected) => {
    expect(ageSeconds(lines)).toBe(expected);
  });

  it('caps at 2147483648 exactly', () => {
    expect(DELTA_SECONDS_MAX).toBe(2 ** 31);
  });
});

describe('freshnessFields', () => {
  const NOW = Date.parse('2026-03-01T12:00:00Z');

  it('normalises valid dates to IMF-fixdates and drops invalid Date and Last-Modified', () => {
    const raw = ['Date', 'Sun Mar  1 12:00:00 2026', 'Last-Modified', 'Sunday, 01-Mar-26 11:00:00 GMT', 'Expires', 'Sun, 01 Mar 2026 13:00:00 GMT'];
    expect(freshnessFields(raw, true, NOW)).toEqual({
      date: 'Sun, 01 Mar 2026 12:00:00 GMT',
      'last-modified': 'Sun, 01 Mar 2026 11:00:00 GMT',
      expires: 'Sun, 01 Mar 2026 13:00:00 GMT',
    });
    expect(freshnessFields(['Date', 'now', 'Last-Modified', 'Sun, 01 Mar 2026 11:00 GMT'], true, NOW)).toEqual({});
  });

  it('turns an invalid or repeated Expires into an expired one, and leaves it out when it does not apply', () => {
    expect(freshnessFields(['Expires', '0'], true, NOW).expires).toBe(EXPIRED);
    const twice = ['Expires', 'Sun, 01 Mar 2026 13:00:00 GMT', 'Expires', 'Sun, 01 Mar 2026 13:00:00 GMT'];
    expect(freshnessFields(twice, true, NOW).expires).toBe(EXPIRED);
    expect(freshnessFields(['Expires', '0'], false, NOW)).toEqual({});
  });

  it('passes an invalid Age nowhere and a capped one as an integer', () => {
    expect(freshnessFields(['Age', '-1'], true, NOW)).toEqual({});
    expect(freshnessFields(['Age', '1e99'], true, NOW)).toEqual({});
    expect(freshnessFields(['Age', '99999999999'], true, NOW)).toEqual({ age: '2147483648' });
  });
});

describe('libraryStatus (RFC 9111 §3)', () => {
  it.each([299, 400, 401, 403, 499, 500, 502, 503, 504, 599])('stands in for %i with explicit freshness only', (status) => {
    expect(libraryStatus(status, true)).toBe(STAND_IN_STATUS);
    expect(libraryStatus(status, false)).toBe(status);
  });

  it.each([200, 203, 204, 302, 404, 410, 501, 206, 304, 100, 103, 600])('leaves %i as it is', (status) => {
    expect(libraryStatus(status, true)).toBe(status);
  });
});
