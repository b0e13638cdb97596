import { contentRange, parseRange, selectRange, unsatisfiedRange } from './byte-ranges.js';
import type { RangeSelection } from './byte-ranges.js';

describe('parseRange (RFC 9110 §14.1.1, §14.2)', () => {
  it.each<[string, string | string[] | undefined, unknown]>([
    ['absent', undefined, undefined],
    ['one int-range', 'bytes=0-99', [{ first: 0n, last: 99n }]],
    ['0-0', 'bytes=0-0', [{ first: 0n, last: 0n }]],
    ['an open int-range', 'bytes=100-', [{ first: 100n }]],
    ['a suffix-range', 'bytes=-500', [{ suffix: 500n }]],
    ['bytes=-0 parses (and is unsatisfiable)', 'bytes=-0', [{ suffix: 0n }]],
    ['the unit in any case', 'Bytes=1-2', [{ first: 1n, last: 2n }]],
    ['whitespace around the value and around commas', ' bytes=0-1 ,\t2-3 ', [{ first: 0n, last: 1n }, { first: 2n, last: 3n }]],
    ['empty list elements are skipped', 'bytes=,0-1,,', [{ first: 0n, last: 1n }]],
    ['positions past 2^53 stay exact', 'bytes=9007199254740993-', [{ first: 9007199254740993n }]],
    ['leading zeros', 'bytes=007-010', [{ first: 7n, last: 10n }]],
  ])('%s', (_why, value, expected) => {
    expect(parseRange(value)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['an unknown unit', 'items=0-1'],
    ['no unit', '0-1'],
    ['no range-spec', 'bytes='],
    ['only commas', 'bytes=,,'],
    ['last before first', 'bytes=5-1'],
    ['whitespace around =', 'bytes = 0-1'],
    ['whitespace inside a spec', 'bytes=0 - 1'],
    ['a sign', 'bytes=+0-1'],
    ['a negative last', 'bytes=0--1'],
    ['a bare dash', 'bytes=-'],
    ['one bad spec among good ones', 'bytes=0-1,x'],
    ['a repeated field joined', 'bytes=0-1, bytes=2-3'],
    ['hex', 'bytes=0x1-2'],
  ])('invalid, so ignored: %s (%j)', (_why, value) => {
    expect(parseRange(value)).toBeUndefined();
  });

  it('takes repeated field lines joined like one list', () => {
    expect(parseRange(['bytes=0-1', '4-5'])).toEqual([{ first: 0n, last: 1n }, { first: 4n, last: 5n }]);
  });
});

describe('selectRange (RFC 9110 §14.1.2)', () => {
  const partial = (start: number, end: number): RangeSelection => ({ kind: 'partial', range: { start, end } });
  const whole: RangeSelection = { kind: 'whole' };
  const unsatisfiable: RangeSelection = { kind: 'unsatisfiable' };

  it.each<[string, number, RangeSelection]>([
    ['bytes=0-99', 1000, partial(0, 99)],
    ['bytes=0-0', 1000, partial(0, 0)],
    ['bytes=999-999', 1000, partial(999, 999)],
    ['bytes=999-', 1000, partial(999, 999)],
    ['bytes=100-', 1000, partial(100, 999)],
    ['bytes=0-5000', 1000, partial(0, 999)],
    ['bytes=-500', 1000, partial(500, 999)],
    ['bytes=-1', 1000, partial(999, 999)],
    ['bytes=-5000', 1000, partial(0, 999)],
    ['bytes=1000-', 1000, unsatisfiable],
    ['bytes=1000-2000', 1000, unsatisfiable],
    ['bytes=-0', 1000, unsatisfiable],
    ['bytes=0-0', 0, unsatisfiable],
    ['bytes=-5', 0, whole],
    ['bytes=9007199254740993-', 1000, unsatisfiable],
    ['bytes=0-9007199254740993', 10, partial(0, 9)],
    ['bytes=0-9,10-19', 1000, partial(0, 19)],
    ['bytes=10-19,0-12', 1000, partial(0, 19)],
    ['bytes=0-99,50-60', 1000, partial(0, 99)],
    ['bytes=0-1,5000-6000', 1000, partial(0, 1)],
    ['bytes=0-1,-0', 1000, partial(0, 1)],
    ['bytes=5000-,-0', 1000, unsatisfiable],
    ['bytes=0-0,-1', 1000, whole],
    ['bytes=0-9,20-29', 1000, whole],
  ])('%s of %i bytes', (value, length, expected) => {
    expect(selectRange(parseRange(value)!, length)).toEqual(expected);
  });
});

describe('Content-Range (RFC 9110 §14.4)', () => {
  it('names the part and the complete length', () => {
    expect(contentRange({ start: 0, end: 99 }, 1000)).toBe('bytes 0-99/1000');
    expect(contentRange({ start: 999, end: 999 }, 1000)).toBe('bytes 999-999/1000');
  });

  it('names only the complete length when unsatisfied', () => {
    expect(unsatisfiedRange(1000)).toBe('bytes */1000');
    expect(unsatisfiedRange(0)).toBe('bytes */0');
  });
});
