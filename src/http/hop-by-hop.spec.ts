import { endToEnd, endToEndOfPairs, endToEndPairs, flatten } from './hop-by-hop.js';

describe('endToEnd', () => {
  it.each([
    'Connection',
    'Keep-Alive',
    'Proxy-Connection',
    'Proxy-Authorization',
    'Proxy-Authenticate',
    'TE',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
  ])('removes the hop-by-hop field %s in any case (RFC 9110 §7.6.1)', (name) => {
    const raw = ['Accept', '*/*', name, 'x', name.toUpperCase(), 'y', name.toLowerCase(), 'z', 'X-Kept', '1'];
    expect(endToEnd(raw)).toEqual(['Accept', '*/*', 'X-Kept', '1']);
  });

  it('removes the fields that Connection names, however it lists them', () => {
    const raw = [
      'Connection', 'keep-alive, X-Secret ,,  x-other',
      'connection', 'X-Third',
      'X-Secret', 'a',
      'x-secret', 'b',
      'X-OTHER', 'c',
      'X-Third', 'd',
      'X-Public', 'e',
    ];
    expect(endToEnd(raw)).toEqual(['X-Public', 'e']);
  });

  // Regression: `Connection: host` removed Host, so the agent's client made one up and the
  // backend read a different host than the one the proxy had routed on.
  it('never lets Connection remove Host', () => {
    const raw = ['Host', 'app.example', 'Connection', 'HOST, close', 'X-A', '1'];
    expect(endToEnd(raw)).toEqual(['Host', 'app.example', 'X-A', '1']);
  });

  it('keeps order, spelling and repeated fields of end-to-end headers', () => {
    const raw = ['set-cookie', 'a=1', 'X-Mixed-Case', 'v', 'Set-Cookie', 'b=2', 'Content-Type', 'text/plain'];
    expect(endToEnd(raw)).toEqual(raw);
  });

  it('also drops the fields in alsoDrop, compared lowercase', () => {
    const raw = ['X-Forwarded-For', '6.6.6.6', 'Expect', '100-continue', 'Accept', 'x'];
    expect(endToEnd(raw, new Set(['x-forwarded-for', 'expect']))).toEqual(['Accept', 'x']);
  });

  it('does not take a field whose name merely contains "connection" for Connection', () => {
    const raw = ['X-Connection', 'X-Secret', 'X-Secret', 'kept'];
    expect(endToEnd(raw)).toEqual(raw);
  });

  it('handles an empty list and does not modify its input', () => {
    expect(endToEnd([])).toEqual([]);
    const raw = Object.freeze(['Connection', 'close', 'A', 'b']);
    expect(endToEnd(raw)).toEqual(['A', 'b']);
    expect(raw).toEqual(['Connection', 'close', 'A', 'b']);
  });
});

describe('flatten and endToEndPairs', () => {
  it('flatten turns pairs into the raw form, and endToEndPairs filters the raw form into pairs', () => {
    const list: Array<[string, string]> = [['A', '1'], ['a', '2'], ['B', '']];
    expect(flatten(list)).toEqual(['A', '1', 'a', '2', 'B', '']);
    expect(endToEndPairs(flatten(list))).toEqual(list);
    expect(endToEndPairs([])).toEqual([]);
  });

  it('endToEndPairs drops the same fields as endToEnd', () => {
    const raw = ['Connection', 'X-Hop, close', 'X-Hop', '1', 'Keep-Alive', 't=5', 'Host', 'h', 'X-Drop', 'd', 'X-End', 'e'];
    const drop = new Set(['x-drop']);
    expect(flatten(endToEndPairs(raw, drop))).toEqual(endToEnd(raw, drop));
    expect(endToEndPairs(raw, drop)).toEqual([['Host', 'h'], ['X-End', 'e']]);
  });
});

describe('endToEndOfPairs', () => {
  it('is endToEnd of the flattened list, Connection-named fields and Host included', () => {
    const pairs: Array<[string, string]> = [
      ['Connection', 'X-Hop, host'],
      ['X-Hop', '1'],
      ['Keep-Alive', 't=5'],
      ['Host', 'h'],
      ['TRANSFER-ENCODING', 'chunked'],
      ['X-End', 'e'],
      ['x-end', 'f'],
    ];
    expect(endToEndOfPairs(pairs)).toEqual(endToEnd(flatten(pairs)));
    expect(endToEndOfPairs(pairs)).toEqual(['Host', 'h', 'X-End', 'e', 'x-end', 'f']);
    expect(endToEndOfPairs([])).toEqual([]);
  });
});

describe('endToEndPairs with two sets to drop', () => {
  it('drops what either set names, besides the hop-by-hop fields', () => {
    const raw = ['If-None-Match', '"a"', 'X-Forwarded-For', '6.6.6.6', 'Upgrade', 'h2c', 'Accept', 'x'];
    expect(endToEndPairs(raw, new Set(['x-forwarded-for']), new Set(['if-none-match']))).toEqual([['Accept', 'x']]);
  });
});
