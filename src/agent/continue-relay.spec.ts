import { continueRequestFields, expectsContinue } from './continue-relay.js';
import type { RequestHead } from '../protocol/index.js';

const head = (headers: Array<[string, string]>): RequestHead => ({ method: 'POST', target: '/up', headers });

describe('requests that expect 100-continue (docs/protocol.md §5.4)', () => {
  it.each<[Array<[string, string]>, boolean]>([
    [[['Expect', '100-continue']], true],
    [[['expect', ' 100-Continue ']], true],
    [[['Host', 'a'], ['EXPECT', '100-continue']], true],
    [[['Expect', 'something-else']], false],
    [[['X-Expect', '100-continue']], false],
    [[], false],
  ])('%j expects a 100: %s', (headers, expected) => {
    expect(expectsContinue(head(headers))).toBe(expected);
  });

  it('keeps every field in its order and case, and frames a body that came chunked', () => {
    const fields: Array<[string, string]> = [['Host', 'a'], ['Expect', '100-continue'], ['X-A', '1'], ['x-a', '2']];
    expect(continueRequestFields(head(fields), true)).toEqual(['Host', 'a', 'Expect', '100-continue', 'X-A', '1', 'x-a', '2', 'Transfer-Encoding', 'chunked']);
    expect(continueRequestFields(head([...fields, ['Content-Length', '5']]), true)).toEqual(['Host', 'a', 'Expect', '100-continue', 'X-A', '1', 'x-a', '2', 'Content-Length', '5']);
    expect(continueRequestFields(head(fields), false)).toEqual(['Host', 'a', 'Expect', '100-continue', 'X-A', '1', 'x-a', '2']);
  });
});
