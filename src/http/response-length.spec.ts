import { declaredLength } from './response-length.js';

describe('declaredLength', () => {
  it.each<[string, string[], number | undefined | null]>([
    ['no fields', [], undefined],
    ['no Content-Length', ['Content-Type', 'text/plain'], undefined],
    ['one field', ['Content-Length', '42'], 42],
    ['zero', ['content-length', '0'], 0],
    ['any case', ['CONTENT-LENGTH', '7'], 7],
    ['surrounding spaces', ['Content-Length', ' 7 '], 7],
    ['surrounding tabs', ['Content-Length', '\t7\t'], 7],
    ['blanks only', ['Content-Length', '  '], null],
    ['a space inside the number', ['Content-Length', '1 2'], null],
    ['a repeated equal value', ['Content-Length', '5', 'content-length', '5'], 5],
    ['an equal list (RFC 9110 §8.6)', ['Content-Length', '5, 5,5'], 5],
    ['15 digits', ['Content-Length', '999999999999999'], 999999999999999],
    ['leading zeros', ['Content-Length', '007'], 7],
    ['disagreeing fields', ['Content-Length', '5', 'Content-Length', '6'], null],
    ['a disagreeing list', ['Content-Length', '5, 6'], null],
    ['empty', ['Content-Length', ''], null],
    ['negative', ['Content-Length', '-1'], null],
    ['a sign', ['Content-Length', '+5'], null],
    ['hex', ['Content-Length', '0x10'], null],
    ['a fraction', ['Content-Length', '1.5'], null],
    ['an exponent', ['Content-Length', '1e3'], null],
    ['16 digits (beyond exact doubles soon after)', ['Content-Length', '1000000000000000'], null],
    ['an empty list element', ['Content-Length', '5,'], null],
    ['junk after the number', ['Content-Length', '5 abc'], null],
  ])('%s → %p', (_what, raw, expected) => {
    expect(declaredLength(raw)).toBe(expected);
  });

  it('ignores fields that only resemble Content-Length', () => {
    expect(declaredLength(['X-Content-Length', 'abc', 'Content-Length-X', 'zz', 'Content-Lengths', '1'])).toBeUndefined();
  });
});
