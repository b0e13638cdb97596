import { storageVerdict } from './storability.js';
import { createCachedResponse, currentAge, hitFields, storedFields, updatedFields } from './cached-response.js';

describe('storedFields (RFC 9111 §3.1)', () => {
  it.each<[string, string[], string[]]>([
    [
      'keeps spelling, order and repeats',
      ['X-A', '1', 'content-TYPE', 'text/plain', 'X-A', '2', 'Link', '</a>', 'link', '</b>'],
      ['X-A', '1', 'content-TYPE', 'text/plain', 'X-A', '2', 'Link', '</a>', 'link', '</b>'],
    ],
    [
      'drops hop-by-hop fields and those named in Connection (RFC 9110 §7.6.1)',
      ['Connection', 'close, X-Hop', 'X-Hop', '1', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'X-End', '2'],
      ['X-End', '2'],
    ],
    ['drops Set-Cookie (§7.3)', ['Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'X', '1'], ['X', '1']],
    ['drops Age, recomputed on every hit (§5.1)', ['Age', '5', 'X', '1'], ['X', '1']],
    ['drops X-Request-ID, which named the filling request', ['X-Request-ID', 'abc', 'X', '1'], ['X', '1']],
  ])('%s', (_title, raw, expected) => {
    expect(storedFields(raw)).toEqual(expected);
  });
});

describe('hitFields and currentAge (RFC 9111 §5.1)', () => {
  const T0 = Date.parse('2026-03-01T12:00:00Z');
  const head = { status: 200, headers: ['Cache-Control', 'max-age=60', 'Age', '7', 'X', '1'] };
  const verdict = storageVerdict({ method: 'GET', headers: {} }, head, 1, { maxObjectBytes: 10, now: T0 });
  if (!verdict.store) throw new Error(verdict.reason);
  const entry = createCachedResponse(head, Buffer.from('b'), verdict.policy, T0);

  it('appends one Age: upstream age plus time resident here, whole seconds', () => {
    expect(currentAge(entry, T0 + 2_900)).toBe(9);
    expect(hitFields(entry, T0 + 3_000)).toEqual(['Cache-Control', 'max-age=60', 'X', '1', 'Date', 'Sun, 01 Mar 2026 12:00:00 GMT', 'Age', '10']);
  });

  it('appends the extra fields after Age, leaving the stored list as it was', () => {
    const before = [...entry.headers];
    expect(hitFields(entry, T0, ['Cache-Status', 'HARP; hit']).slice(-4)).toEqual(['Age', '7', 'Cache-Status', 'HARP; hit']);
    expect(entry.headers).toEqual(before);
  });

  it('reads the age at each call\'s own time, though the policy is revived once per entry', () => {
    expect(currentAge(entry, T0 + 20_000)).toBe(27);
    expect(currentAge(entry, T0 + 1_000)).toBe(8);
    expect(currentAge(entry, T0 + 20_000)).toBe(27);
  });

  it('keeps the reason phrase and status', () => {
    expect(entry).toMatchObject({ status: 200, reason: '', storedAt: T0 });
  });
});

describe('createCachedResponse: every entry carries one valid Date (RFC 9110 §6.6.1)', () => {
  const T0 = Date.parse('2026-03-01T12:00:00Z');
  const RECEIVED = 'Sun, 01 Mar 2026 12:00:00 GMT';
  function fields(raw: string[]): string[] {
    const head = { status: 200, headers: ['Cache-Control', 'max-age=60', ...raw] };
    const verdict = storageVerdict({ method: 'GET', headers: {} }, head, 1, { maxObjectBytes: 10, now: T0 + 400 });
    if (!verdict.store) throw new Error(verdict.reason);
    return createCachedResponse(head, Buffer.from('b'), verdict.policy, T0 + 1_500).headers.slice(2);
  }

  it.each<[string, string[], string[]]>([
    ['keeps a valid one as sent', ['Date', 'Sun Mar  1 11:59:00 2026', 'X', '1'], ['Date', 'Sun Mar  1 11:59:00 2026', 'X', '1']],
    ['appends the time the head arrived when there is none', ['X', '1'], ['X', '1', 'Date', RECEIVED]],
    ['replaces an invalid one in place', ['Date', 'yesterday', 'X', '1'], ['Date', RECEIVED, 'X', '1']],
    ['replaces several by one', ['date', RECEIVED, 'X', '1', 'Date', RECEIVED], ['date', RECEIVED, 'X', '1']],
  ])('%s', (_title, raw, expected) => {
    expect(fields(raw)).toEqual(expected);
  });
});

describe('updatedFields (RFC 9111 §3.2)', () => {
  it.each<[string, string[], string[], string[]]>([
    ['replaces in place', ['A', '1', 'B', '2'], ['a', '9'], ['a', '9', 'B', '2']],
    ['replaces every repeat by all new values at the first place', ['A', '1', 'B', '2', 'A', '3'], ['A', '8', 'A', '9'], ['A', '8', 'A', '9', 'B', '2']],
    ['appends new fields', ['A', '1'], ['C', '3'], ['A', '1', 'C', '3']],
    ['ignores Content-Length and Content-Encoding', ['Content-Length', '10'], ['Content-Length', '0', 'Content-Encoding', 'gzip'], ['Content-Length', '10']],
    ['ignores hop-by-hop fields', ['A', '1'], ['Connection', 'close', 'Keep-Alive', '5'], ['A', '1']],
  ])('%s', (_title, stored, notModified, expected) => {
    expect(updatedFields(stored, notModified)).toEqual(expected);
  });
});
