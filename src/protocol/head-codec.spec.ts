import { MAX_HEAD_FIELDS, MAX_HEAD_STRING_BYTES } from './constants.js';
import { ProtocolError } from './errors.js';
import type { HeaderField } from './frame.js';
import { decodeRequestHead, decodeResponseHead, encodeRawResponseHead, encodeRequestHead, encodeResponseHead } from './head-codec.js';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('head blocks', () => {
  it('leaves `prefix` bytes of room before the block', () => {
    const block = encodeRequestHead({ method: 'GET', target: '/', headers: [] }, 8);
    expect(block.length).toBe(8 + 2 + 3 + 2 + 1 + 2);
    expect(decodeRequestHead(block.subarray(8))).toEqual({ method: 'GET', target: '/', headers: [] });
  });

  it('encodes a response head as u16 status, str16 reason, fields', () => {
    const block = encodeResponseHead({ status: 301, reason: 'Moved', headers: [['Location', '/x']] }, 0);
    expect([...block]).toEqual([
      0x01, 0x2d, 0, 5, ...Buffer.from('Moved'), 0, 1, 0, 8, ...Buffer.from('Location'), 0, 2, ...Buffer.from('/x'),
    ]);
    expect(decodeResponseHead(block)).toEqual({ status: 301, reason: 'Moved', headers: [['Location', '/x']] });
  });

  it.each<[string, () => unknown]>([
    ['a 65536-byte method', () => encodeRequestHead({ method: 'G'.repeat(MAX_HEAD_STRING_BYTES + 1), target: '/', headers: [] }, 0)],
    ['a 65536-byte target', () => encodeRequestHead({ method: 'GET', target: '/'.repeat(MAX_HEAD_STRING_BYTES + 1), headers: [] }, 0)],
    ['a 65536-byte header value', () => encodeRequestHead({ method: 'GET', target: '/', headers: [['a', 'v'.repeat(MAX_HEAD_STRING_BYTES + 1)]] }, 0)],
    ['a 65536-byte reason', () => encodeResponseHead({ status: 200, reason: 'r'.repeat(MAX_HEAD_STRING_BYTES + 1), headers: [] }, 0)],
    [
      '65536 header fields',
      () =>
        encodeResponseHead(
          { status: 200, reason: '', headers: Array.from({ length: MAX_HEAD_FIELDS + 1 }, (): HeaderField => ['a', '']) },
          0,
        ),
    ],
  ])('refuses to encode %s with head_too_large', (_name, run) => {
    const err = thrown(run);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('head_too_large');
  });

  it('decodes every byte 0x00–0xFF of a value to the code point of the same number', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const block = Buffer.concat([Buffer.from([0, 3]), Buffer.from('GET'), Buffer.from([0, 1]), Buffer.from('/'), Buffer.from([0, 1, 0, 1]), Buffer.from('v'), Buffer.from([1, 0]), bytes]);
    const head = decodeRequestHead(block);
    const value = head.headers[0]![1];
    expect(value.length).toBe(256);
    expect(Buffer.from(value, 'latin1').equals(bytes)).toBe(true);
  });

  it('encodes every code unit of a string, short or long, as its low byte, as latin1 does', () => {
    for (const length of [1, 63, 64, 300]) {
      const value = Array.from({ length }, (_, i) => String.fromCharCode((i * 37) % 0x180)).join('');
      const block = encodeRequestHead({ method: 'GET', target: '/', headers: [['v', value]] }, 0);
      expect(block.subarray(block.length - length).equals(Buffer.from(value, 'latin1'))).toBe(true);
    }
  });
});

describe('decoding strings seen before', () => {
  it('gives each string its own bytes, however often similar ones came before (seeded)', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    // Few lengths and few byte values: many strings share a slot, and many repeat.
    const values = Array.from({ length: 3000 }, () => {
      const length = next() % 45;
      return Array.from({ length }, () => String.fromCharCode([0x61, 0x62, 0xe9, 0x00][next() % 4]!)).join('');
    });
    for (let i = 0; i < values.length; i += 3) {
      const headers = values.slice(i, i + 3).map((v, k): HeaderField => [`n${k}`, v]);
      const block = encodeRequestHead({ method: 'GET', target: '/', headers }, 0);
      expect(decodeRequestHead(block).headers).toEqual(headers);
    }
  });
});

describe('response heads from raw field lists', () => {
  const long = 'x'.repeat(200);
  const pairs: HeaderField[] = [['Content-Type', 'text/plain'], ['X-Bytes', 'c\u00e9\u00ff'], ['X-Long', long], ['x-empty', '']];
  const asBytes = pairs.flatMap(([name, value]) => [Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1')]);

  it.each<[string, Array<Uint8Array | string>]>([
    ['Buffers (undici)', asBytes],
    ['strings (node:http)', pairs.flat()],
    ['both', asBytes.map((field, i) => (i % 2 === 0 ? field : field.toString('latin1')))],
    ['no fields', []],
  ])('are the bytes of the same head as pairs: %s', (_name, raw) => {
    const expected = raw.length === 0 ? [] : pairs;
    const block = encodeRawResponseHead(200, 'OK', raw, 8);
    // The 8 bytes of room are left as they were allocated: only the block is compared.
    expect(block.subarray(8).equals(encodeResponseHead({ status: 200, reason: 'OK', headers: expected }, 8).subarray(8))).toBe(true);
    expect(decodeResponseHead(block.subarray(8))).toEqual({ status: 200, reason: 'OK', headers: expected });
  });

  it.each<[string, () => unknown]>([
    ['a 65536-byte value', () => encodeRawResponseHead(200, '', ['a', Buffer.alloc(MAX_HEAD_STRING_BYTES + 1)], 0)],
    ['a 65536-byte reason', () => encodeRawResponseHead(200, 'r'.repeat(MAX_HEAD_STRING_BYTES + 1), [], 0)],
    ['65536 fields', () => encodeRawResponseHead(200, '', Array.from({ length: 2 * (MAX_HEAD_FIELDS + 1) }, () => 'a'), 0)],
  ])('refuse %s with head_too_large', (_name, run) => {
    expect((thrown(run) as ProtocolError).code).toBe('head_too_large');
  });
});
