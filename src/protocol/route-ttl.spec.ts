import { formatRouteTtl, MAX_ROUTE_TTL_MS, parseRouteTtl } from './route-ttl.js';

describe('parseRouteTtl', () => {
  it.each([
    ['1s', 1000],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['168h', MAX_ROUTE_TTL_MS],
    ['604800s', MAX_ROUTE_TTL_MS],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseRouteTtl(text)).toBe(ms);
  });

  it.each(['', '0s', '01m', '1', '1d', '1.5h', ' 1h', '1H', '169h', '604801s', '-1s', '1 h'])('refuses %j', (text) => {
    expect(parseRouteTtl(text)).toBeUndefined();
  });
});

describe('formatRouteTtl', () => {
  it('rounds what is left up to a whole second, never below 1 s', () => {
    expect(formatRouteTtl(1500)).toBe('2s');
    expect(formatRouteTtl(60_000)).toBe('60s');
    expect(formatRouteTtl(0)).toBe('1s');
    expect(parseRouteTtl(formatRouteTtl(123_456))).toBe(124_000);
  });
});
