import { parseResponseHead } from './response-head.js';

describe('parseResponseHead', () => {
  it('takes apart the head Node serializes', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n';
    expect(parseResponseHead(head)).toEqual({
      httpVersion: '1.1',
      status: 200,
      statusText: 'OK',
      fields: ['Content-Type', 'text/plain', 'Date', 'Mon, 01 Jan 2024 00:00:00 GMT'],
    });
  });

  it('keeps colons inside a value and a multi-word reason phrase', () => {
    const parsed = parseResponseHead('HTTP/1.1 307 Temporary Redirect\r\nLocation: http://x:1/a?b=c:d\r\n\r\n');
    expect(parsed?.statusText).toBe('Temporary Redirect');
    expect(parsed?.fields).toEqual(['Location', 'http://x:1/a?b=c:d']);
  });

  it('keeps repeated fields and empty values', () => {
    const head = 'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Empty:\r\n\r\n';
    const parsed = parseResponseHead(head);
    expect(parsed?.fields).toEqual(['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Empty', '']);
  });

  it('accepts an empty reason phrase, with or without its space', () => {
    expect(parseResponseHead('HTTP/1.1 599 \r\n\r\n')).toMatchObject({ status: 599, statusText: '' });
    const bare = parseResponseHead('HTTP/1.0 204\r\n\r\n');
    expect(bare).toMatchObject({ httpVersion: '1.0', status: 204, statusText: '' });
  });

  it('skips lines that are not fields and stops at the blank line', () => {
    const head = 'HTTP/1.1 200 OK\r\nno colon here\r\n: no name\r\nBad Name: x\r\n folded\r\nGood: yes\r\n\r\nAfter: body';
    expect(parseResponseHead(head)?.fields).toEqual(['Good', 'yes']);
  });

  it.each([undefined, '', 'garbage', 'HTTP/1.1 OK\r\n\r\n', 'HTTP/1.1 20 OK', 'ICY 200 OK\r\n\r\n'])(
    'is undefined for %j',
    (head) => expect(parseResponseHead(head)).toBeUndefined(),
  );

  it('never throws on non-string input', () => {
    expect(parseResponseHead(42 as unknown as string)).toBeUndefined();
  });
});
