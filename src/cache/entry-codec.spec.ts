import { randomBytes } from 'node:crypto';
import type { CachedResponse, VariantIndex } from './policy/cache-entry.js';
import { CacheStoreError } from './cache-store-error.js';
import { packEntry, unpackEntry } from './entry-codec.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

function response(body: Buffer, headers: string[] = ['Content-Type', 'application/octet-stream']): CachedResponse {
  return {
    status: 200,
    reason: 'OK',
    headers,
    policy: { v: 1, t: 1, sh: true, ch: 0.1, imm: 0, st: 200, resh: {}, rescc: {}, m: 'GET', a: true, reqh: null, reqcc: {} },
    body,
    storedAt: 1_700_000_000_000,
  };
}

describe('packEntry / unpackEntry', () => {
  it.each<[string, Buffer]>([
    ['an empty body', Buffer.alloc(0)],
    ['every byte value', ALL_BYTES],
    ['random bytes', randomBytes(65_537)],
    ['bytes that look like the format', Buffer.from([0x48, 0x01, 0, 0, 0, 0])],
  ])('round-trips a response with %s byte-exact', (_title, body) => {
    const { value, expires } = unpackEntry(packEntry({ value: response(body), expires: 123 }));
    expect(expires).toBe(123);
    expect(Buffer.compare((value as CachedResponse).body, body)).toBe(0);
    expect({ ...value, body: undefined }).toEqual({ ...response(body), body: undefined });
  });

  it('keeps header spelling, order, repeats and latin1 bytes', () => {
    const headers = ['Set-Thing', 'a', 'x-LOWER', 'b', 'Set-Thing', 'c', 'X-Latin1', 'caf\u00e9 \u00ff', 'Link', '</a>; rel="x, y"'];
    const { value } = unpackEntry(packEntry({ value: response(Buffer.from('x'), headers) }));
    expect((value as CachedResponse).headers).toEqual(headers);
  });

  it('costs the body plus small metadata, not base64 (+33 %)', () => {
    const body = randomBytes(100_000);
    const packed = packEntry({ value: response(body) });
    expect(packed.length - body.length).toBeLessThan(1_000);
  });

  it('round-trips a variant index without a body', () => {
    const index: VariantIndex = { vary: ['accept', 'accept-encoding'], gen: 'g1', expiresAt: 5 };
    expect(unpackEntry(packEntry({ value: index, expires: null }))).toEqual({ value: index, expires: null });
  });

  it.each<[string, Buffer]>([
    ['too short', Buffer.from([0x48])],
    ['bad magic', Buffer.from('{"value":1}')],
    ['unknown version', Buffer.from([0x48, 0x02, 0, 0, 0, 0])],
    ['truncated metadata', Buffer.from([0x48, 0x01, 0, 0, 0, 9, 0x7b])],
    ['metadata that is not JSON', Buffer.concat([Buffer.from([0x48, 0x01, 0, 0, 0, 1]), Buffer.from('{')])],
    ['an unknown kind', packRaw({ k: 'x', v: {} })],
    ['a response without headers', packRaw({ k: 'r', v: { status: 200, reason: '', policy: {}, storedAt: 1 } })],
    ['odd header list', packRaw({ k: 'r', v: { status: 200, reason: '', headers: ['a'], policy: {}, storedAt: 1 } })],
    ['an index without gen', packRaw({ k: 'i', v: { vary: [], expiresAt: 1 } })],
  ])('rejects %s as entry_corrupt', (_title, bytes) => {
    expect(() => unpackEntry(bytes)).toThrow(expect.objectContaining({ code: 'entry_corrupt' }) as unknown as CacheStoreError);
  });
});

function packRaw(meta: object): Buffer {
  const json = Buffer.from(JSON.stringify(meta));
  const prefix = Buffer.from([0x48, 0x01, 0, 0, 0, 0]);
  prefix.writeUInt32BE(json.length, 2);
  return Buffer.concat([prefix, json]);
}
