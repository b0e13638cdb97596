import { isStrict } from './readiness-query.js';

describe('isStrict (the ?strict of /_harp/readyz)', () => {
  it.each([
    [undefined, false],
    ['', true],
    ['1', true],
    ['true', true],
    ['yes', true],
    ['0', false],
    ['false', false],
    [' FALSE ', false],
    [['0', '1'], true],
    [['1', 'false'], false],
    [[], true],
  ] as const)('%j → %s', (query, strict) => {
    expect(isStrict(query)).toBe(strict);
  });
});
