import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { declaredLength, ExactLength, LengthMismatchError } from './response-length.js';

describe('declaredLength', () => {
  it.each<[string, string[], number | undefined | null]>([
    ['no fields', [], undefined],
    ['no Content-Length', ['Content-Type', 'text/plain'], undefined],
    ['one field', ['Content-Length', '42'], 42],
    ['zero', ['content-length', '0'], 0],
    ['any case', ['CONTENT-LENGTH', '7'], 7],
    ['surrounding spaces', ['Content-Length', ' 7 '], 7],
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

async function through(expected: number, chunks: string[]): Promise<string> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks.map((c) => Buffer.from(c))),
    new ExactLength(expected),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(out).toString();
}

describe('ExactLength', () => {
  it('passes a body of exactly the declared length through unchanged', async () => {
    expect(await through(11, ['hello', ' ', 'world'])).toBe('hello world');
    expect(await through(0, [])).toBe('');
  });

  it('fails a body that ends short, so that it never looks complete', async () => {
    await expect(through(10, ['hello'])).rejects.toThrow(LengthMismatchError);
    await expect(through(10, ['hello'])).rejects.toThrow('body of 5 bytes, 10 declared');
  });

  it('fails a body that runs long, before passing the excess on', async () => {
    const seen: string[] = [];
    const run = pipeline(
      Readable.from([Buffer.from('abc'), Buffer.from('defg')]),
      new ExactLength(5),
      new Writable({
        write(chunk: Buffer, _enc, done) {
          seen.push(chunk.toString());
          done();
        },
      }),
    );
    await expect(run).rejects.toThrow('body longer than 5');
    expect(seen.join('')).toBe('abc');
  });
});
