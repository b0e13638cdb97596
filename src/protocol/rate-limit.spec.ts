import { MAX_RATE_LIMIT, parseRate } from './rate-limit.js';

describe('parseRate', () => {
  it.each([
    ['1/s', 1, 1],
    ['100/s', 100, 1],
    ['3000/m', 3000, 60],
    ['10/h', 10, 3600],
    [`${MAX_RATE_LIMIT}/s`, MAX_RATE_LIMIT, 1],
  ])('%s is %d per %d s', (text, limit, windowSeconds) => {
    expect(parseRate(text)).toEqual({ limit, windowSeconds });
  });

  it.each([
    '',
    '0/s',
    '-1/s',
    '01/s',
    '1.5/s',
    '100',
    '100/',
    '/s',
    '100/d',
    '100/S',
    '100 /s',
    ' 100/s',
    '100/s ',
    '100/sec',
    '1e3/s',
    `${MAX_RATE_LIMIT + 1}/s`,
    '99999999999/s',
  ])('refuses %j', (text) => {
    expect(parseRate(text)).toBeUndefined();
  });
});
