import { formatHttpDate, parseHttpDate, singleHttpDate } from './http-date.js';

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);

describe('parseHttpDate (RFC 9110 §5.6.7)', () => {
  it.each<[string, string, number]>([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', NOV_6_1994],
    ['obsolete RFC 850 date', 'Sunday, 06-Nov-94 08:49:37 GMT', NOV_6_1994],
    ['obsolete asctime date, one-digit day after two spaces', 'Sun Nov  6 08:49:37 1994', NOV_6_1994],
    ['asctime date with a two-digit day', 'Sun Nov 06 08:49:37 1994', NOV_6_1994],
    ['the day name is not checked against the date', 'Mon, 06 Nov 1994 08:49:37 GMT', NOV_6_1994],
    ['surrounding whitespace is not part of the value', ' \tSun, 06 Nov 1994 08:49:37 GMT ', NOV_6_1994],
    ['a leap second', 'Wed, 31 Dec 2025 23:59:60 GMT', Date.UTC(2026, 0, 1, 0, 0, 0)],
    ['29 February of a leap year', 'Thu, 29 Feb 2024 00:00:00 GMT', Date.UTC(2024, 1, 29)],
    ['the epoch', 'Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['a year below 100 stays itself', 'Mon, 01 Jan 0001 00:00:00 GMT', new Date(0).setUTCFullYear(1, 0, 1)],
    ['RFC 850: a two-digit year within 50 years ahead is this century', 'Tuesday, 01-Jan-30 00:00:00 GMT', Date.UTC(2030, 0, 1)],
    ['RFC 850: more than 50 years ahead is the century before', 'Friday, 01-Jan-99 00:00:00 GMT', Date.UTC(1999, 0, 1)],
  ])('accepts an %s', (_title, value, expected) => {
    expect(parseHttpDate(value, NOW)).toBe(expected);
  });

  it.each<[string, string]>([
    ['a one-digit hour', 'Sun, 06 Nov 1994 8:49:37 GMT'],
    ['a missing comma', 'Sun 06 Nov 1994 08:49:37 GMT'],
    ['dashes instead of spaces', 'Sun, 06-Nov-1994 08:49:37 GMT'],
    ['several spaces', 'Sun,  06 Nov 1994 08:49:37 GMT'],
    ['a zone other than GMT', 'Sun, 06 Nov 1994 08:49:37 UTC'],
    ['a numeric zone', 'Sun, 06 Nov 1994 08:49:37 +0000'],
    ['lowercase (HTTP-date is case sensitive)', 'Sun, 06 nov 1994 08:49:37 gmt'],
    ['a one-digit day', 'Sun, 6 Nov 1994 08:49:37 GMT'],
    ['a two-digit year in an IMF-fixdate', 'Sun, 06 Nov 94 08:49:37 GMT'],
    ['a short day name in an RFC 850 date', 'Sun, 06-Nov-94 08:49:37 GMT'],
    ['asctime with one space before a one-digit day', 'Sun Nov 6 08:49:37 1994'],
    ['asctime with a zone', 'Sun Nov  6 08:49:37 1994 GMT'],
    ['hour 24', 'Sun, 06 Nov 1994 24:00:00 GMT'],
    ['minute 60', 'Sun, 06 Nov 1994 08:60:00 GMT'],
    ['31 November', 'Thu, 31 Nov 1994 08:49:37 GMT'],
    ['29 February of a common year', 'Sat, 29 Feb 2025 00:00:00 GMT'],
    ['day 0', 'Sun, 00 Nov 1994 08:49:37 GMT'],
    ['the value 0', '0'],
    ['an ISO 8601 date', '1994-11-06T08:49:37Z'],
    ['the empty value', ''],
    ['two dates as a list', 'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT'],
  ])('refuses %s', (_title, value) => {
    expect(parseHttpDate(value, NOW)).toBeUndefined();
  });
});

describe('singleHttpDate', () => {
  it('takes one valid field line, and nothing from none, two or an invalid one', () => {
    const valid = 'Sun, 06 Nov 1994 08:49:37 GMT';
    expect(singleHttpDate([valid])).toBe(NOV_6_1994);
    expect(singleHttpDate([])).toBeUndefined();
    expect(singleHttpDate([valid, valid])).toBeUndefined();
    expect(singleHttpDate(['Sun, 06 Nov 1994 8:49:37 GMT'])).toBeUndefined();
  });
});

describe('formatHttpDate', () => {
  it('writes an IMF-fixdate, whole seconds, that parses back', () => {
    expect(formatHttpDate(NOV_6_1994 + 999)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(parseHttpDate(formatHttpDate(NOW))).toBe(NOW);
  });
});
