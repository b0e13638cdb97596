import { FRAME_HEADER_BYTES, FrameFlag, FrameType, ResetCode } from './constants.js';
import { decodeFragments, decodeFrame } from './decode.js';
import {
  encodeControl,
  encodeData,
  encodeDataHeader,
  encodeRequestHeadFrame,
  encodeReset,
  encodeResponseHeadFrame,
  encodeWindowUpdate,
} from './encode.js';
import { ProtocolError } from './errors.js';
import type { ProtocolErrorCode } from './errors.js';
import type { Frame, HeaderField, RequestHead, ResponseHead } from './frame.js';

// Round trips for every frame type with edge values, golden bytes that pin the header layout of
// docs/protocol.md, and one case per decode error code.

const HIGH_BYTES = Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(0x80 + i)).join('');
const FULL_STRING = 'x'.repeat(0xffff);
const KIB64 = Buffer.alloc(64 * 1024, 0xa5);

/** The code a call throws; fails the test when it throws nothing or something else. */
function codeOf(run: () => unknown): ProtocolErrorCode {
  try {
    run();
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw new Error(`expected a ProtocolError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a ProtocolError, nothing was thrown');
}

/** A frame from raw header fields and a payload. */
function raw(version: number, type: number, flags: number, reserved: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header[0] = version;
  header[1] = type;
  header[2] = flags;
  header[3] = reserved;
  header.writeUInt32BE(streamId, 4);
  return Buffer.concat([header, payload]);
}

describe('frame header layout (golden bytes)', () => {
  it.each<[string, Buffer, number[]]>([
    ['DATA, END, stream 1', encodeData(1, Buffer.from([0xab]), true), [1, 0x00, 0x01, 0, 0, 0, 0, 1, 0xab]],
    ['DATA, no flags, max stream', encodeData(0xffffffff, Buffer.alloc(0), false), [1, 0x00, 0x00, 0, 0xff, 0xff, 0xff, 0xff]],
    [
      'REQUEST_HEAD GET / with one header',
      encodeRequestHeadFrame(0x01020304, { method: 'GET', target: '/', headers: [['a', 'b']] }, true),
      [1, 0x01, 0x01, 0, 1, 2, 3, 4, 0, 3, 0x47, 0x45, 0x54, 0, 1, 0x2f, 0, 1, 0, 1, 0x61, 0, 1, 0x62],
    ],
    [
      'RESPONSE_HEAD 204 "OK", no headers',
      encodeResponseHeadFrame(3, { status: 204, reason: 'OK', headers: [] }, false),
      [1, 0x02, 0x00, 0, 0, 0, 0, 3, 0x00, 0xcc, 0, 2, 0x4f, 0x4b, 0, 0],
    ],
    ['WINDOW_UPDATE 65536', encodeWindowUpdate(5, 0x10000), [1, 0x03, 0x00, 0, 0, 0, 0, 5, 0, 1, 0, 0]],
    ['RESET Cancel "x"', encodeReset(7, ResetCode.Cancel, 'x'), [1, 0x04, 0x00, 0, 0, 0, 0, 7, 0, 1, 0x78]],
    ['CONTROL {}', encodeControl({}), [1, 0x10, 0x00, 0, 0, 0, 0, 0, 0x7b, 0x7d]],
  ])('%s', (_name, encoded, bytes) => {
    expect([...encoded]).toEqual(bytes);
  });
});

describe('round trips', () => {
  const roundTrip = (encoded: Buffer): Frame => decodeFrame(encoded);

  describe('DATA', () => {
    it.each<[string, number, Buffer, boolean]>([
      ['stream 1, empty, END', 1, Buffer.alloc(0), true],
      ['stream 1, empty, no END', 1, Buffer.alloc(0), false],
      ['max stream id, one byte', 0xffffffff, Buffer.from([0]), false],
      ['64 KiB, END', 3, KIB64, true],
      ['64 KiB, no END', 0xffffffff, KIB64, false],
      ['every byte value', 9, Buffer.from(Array.from({ length: 256 }, (_, i) => i)), false],
    ])('%s', (_name, streamId, payload, end) => {
      const frame = roundTrip(encodeData(streamId, payload, end));
      expect(frame).toEqual({
        type: FrameType.Data,
        streamId,
        flags: end ? FrameFlag.EndStream : FrameFlag.None,
        payload,
      });
    });

    it('decodes the payload as a view into the message, without copying', () => {
      const message = encodeData(1, Buffer.from('abc'), false);
      const frame = decodeFrame(message);
      if (frame.type !== FrameType.Data) throw new Error('not DATA');
      expect(frame.payload.buffer).toBe(message.buffer);
      expect(frame.payload.byteOffset).toBe(message.byteOffset + FRAME_HEADER_BYTES);
    });
  });

  describe('REQUEST_HEAD', () => {
    const setCookies: HeaderField[] = [
      ['Set-Cookie', 'a=1'],
      ['X-Other', 'between'],
      ['Set-Cookie', 'b=2'],
      ['set-cookie', 'c=3'],
      ['Set-Cookie', 'a=1'],
    ];
    it.each<[string, number, RequestHead, boolean]>([
      ['empty header list, END', 1, { method: 'GET', target: '/', headers: [] }, true],
      ['empty header list, no END', 0xffffffff, { method: 'POST', target: '/upload?x=1', headers: [] }, false],
      ['empty strings everywhere', 1, { method: '', target: '', headers: [['', '']] }, false],
      ['repeated headers keep their order and case', 3, { method: 'GET', target: '/', headers: setCookies }, true],
      ['header bytes 0x80–0xFF', 5, { method: 'GET', target: `/p${HIGH_BYTES}`, headers: [[`x-${HIGH_BYTES}`, HIGH_BYTES]] }, true],
      ['65535-byte method', 7, { method: FULL_STRING, target: '/', headers: [] }, true],
      ['65535-byte target', 7, { method: 'GET', target: FULL_STRING, headers: [] }, true],
      ['65535-byte header name and value', 7, { method: 'GET', target: '/', headers: [[FULL_STRING, FULL_STRING]] }, false],
    ])('%s', (_name, streamId, head, end) => {
      const frame = roundTrip(encodeRequestHeadFrame(streamId, head, end));
      expect(frame).toEqual({
        type: FrameType.RequestHead,
        streamId,
        flags: end ? FrameFlag.EndStream : FrameFlag.None,
        head,
      });
    });

    it('carries bytes 0x80–0xFF on the wire as single bytes, not as UTF-8', () => {
      const encoded = encodeRequestHeadFrame(1, { method: 'GET', target: '/', headers: [['v', HIGH_BYTES]] }, true);
      const tail = encoded.subarray(encoded.length - 0x80);
      expect([...tail]).toEqual(Array.from({ length: 0x80 }, (_, i) => 0x80 + i));
      expect(encoded.readUInt16BE(encoded.length - 0x80 - 2)).toBe(0x80);
    });

    it('round-trips 65535 header fields, the most a head may carry', () => {
      const headers: HeaderField[] = Array.from({ length: 0xffff }, (_, i) => [`h${i % 7}`, String(i)]);
      const frame = roundTrip(encodeRequestHeadFrame(1, { method: 'GET', target: '/', headers }, true));
      if (frame.type !== FrameType.RequestHead) throw new Error('not REQUEST_HEAD');
      expect(frame.head.headers).toHaveLength(0xffff);
      expect(frame.head.headers[0xfffe]).toEqual(['h0', '65534']); // 65534 % 7 === 0
    });
  });

  describe('RESPONSE_HEAD', () => {
    it.each<[string, number, ResponseHead, boolean]>([
      ['status 100', 1, { status: 100, reason: 'Continue', headers: [] }, false],
      ['status 999', 0xffffffff, { status: 999, reason: '', headers: [] }, true],
      ['204 with END', 3, { status: 204, reason: 'No Content', headers: [['Date', 'x']] }, true],
      [
        'repeated Set-Cookie keep order',
        3,
        { status: 200, reason: 'OK', headers: [['Set-Cookie', 'a=1'], ['Vary', 'x'], ['Set-Cookie', 'b=2']] },
        false,
      ],
      ['reason and values with bytes 0x80–0xFF', 5, { status: 200, reason: HIGH_BYTES, headers: [[HIGH_BYTES, HIGH_BYTES]] }, false],
      ['65535-byte reason', 7, { status: 500, reason: FULL_STRING, headers: [] }, false],
    ])('%s', (_name, streamId, head, end) => {
      const frame = roundTrip(encodeResponseHeadFrame(streamId, head, end));
      expect(frame).toEqual({
        type: FrameType.ResponseHead,
        streamId,
        flags: end ? FrameFlag.EndStream : FrameFlag.None,
        head,
      });
    });
  });

  describe('WINDOW_UPDATE', () => {
    it.each<[number, number]>([
      [1, 1],
      [0xffffffff, 0x7fffffff],
      [3, 0x10000],
      // The codec accepts any non-zero u32; the stream rejects a window above 2^31-1.
      [5, 0xffffffff],
    ])('stream %i, increment %i', (streamId, increment) => {
      expect(roundTrip(encodeWindowUpdate(streamId, increment))).toEqual({
        type: FrameType.WindowUpdate,
        streamId,
        flags: FrameFlag.None,
        increment,
      });
    });
  });

  describe('RESET', () => {
    it.each<[string, number, number, string]>([
      ['Cancel, empty reason', 1, ResetCode.Cancel, ''],
      ['Internal, max stream', 0xffffffff, ResetCode.Internal, 'boom'],
      ['unicode reason', 3, ResetCode.UpstreamError, 'upstream 失败 — ünïcødé 💥'],
      ['unknown code kept as a number', 5, 0xffff, 'future code'],
      ['code 0', 5, 0, ''],
    ])('%s', (_name, streamId, code, reason) => {
      expect(roundTrip(encodeReset(streamId, code, reason))).toEqual({
        type: FrameType.Reset,
        streamId,
        flags: FrameFlag.None,
        code,
        reason,
      });
    });

    it('sends at most 512 characters of reason', () => {
      const frame = roundTrip(encodeReset(1, ResetCode.Internal, 'r'.repeat(2000)));
      if (frame.type !== FrameType.Reset) throw new Error('not RESET');
      expect(frame.reason).toBe('r'.repeat(512));
    });
  });

  describe('CONTROL', () => {
    it.each<[string, object]>([
      ['hello', { type: 'hello', protocol: 1, key: 'k', name: 'laptop', agent: 'harp/0.1.0' }],
      ['welcome', { type: 'welcome', agentId: 'a1', heartbeatMs: 5000, windowBytes: 262144, maxFrameBytes: 65536, maxStreams: 1000 }],
      ['unicode', { type: 'drain', reason: 'déploiement 🚀' }],
      ['empty object', {}],
    ])('%s', (_name, message) => {
      expect(roundTrip(encodeControl(message))).toEqual({
        type: FrameType.Control,
        streamId: 0,
        flags: FrameFlag.None,
        message,
      });
    });
  });
});

describe('decode errors', () => {
  const validHead = encodeRequestHeadFrame(1, { method: 'GET', target: '/', headers: [] }, true);

  it.each(Array.from({ length: FRAME_HEADER_BYTES }, (_, n) => n))(
    'frame_too_short for a %i-byte message',
    (length) => {
      expect(codeOf(() => decodeFrame(Buffer.alloc(length, 1)))).toBe('frame_too_short');
    },
  );

  it.each([0, 2, 0x7f, 0xff])('frame_bad_version for version %i', (version) => {
    expect(codeOf(() => decodeFrame(raw(version, FrameType.Data, 0, 0, 1)))).toBe('frame_bad_version');
  });

  it.each([0x06, 0x0f, 0x11, 0x80, 0xff])('frame_unknown_type for type %i on stream 1', (type) => {
    expect(codeOf(() => decodeFrame(raw(1, type, 0, 0, 1)))).toBe('frame_unknown_type');
  });

  it.each([FrameType.Data, FrameType.WindowUpdate, FrameType.Control])(
    'frame_bad_flags for a nonzero reserved byte (type %i)',
    (type) => {
      const streamId = type === FrameType.Control ? 0 : 1;
      const message = type === FrameType.Control ? encodeControl({}) : type === FrameType.WindowUpdate ? encodeWindowUpdate(streamId, 1) : encodeData(streamId, Buffer.alloc(0), false);
      message[3] = 1;
      expect(codeOf(() => decodeFrame(message))).toBe('frame_bad_flags');
    },
  );

  it.each<[string, Buffer, number]>([
    ['DATA', encodeData(1, Buffer.alloc(0), false), 0x02],
    ['DATA', encodeData(1, Buffer.alloc(0), false), 0x80],
    ['DATA', encodeData(1, Buffer.alloc(0), false), 0x03],
    ['REQUEST_HEAD', validHead, 0x02],
    ['RESPONSE_HEAD', encodeResponseHeadFrame(1, { status: 200, reason: '', headers: [] }, false), 0xff],
    ['WINDOW_UPDATE', encodeWindowUpdate(1, 1), FrameFlag.EndStream],
    ['RESET', encodeReset(1, ResetCode.Cancel, ''), FrameFlag.EndStream],
    ['CONTROL', encodeControl({}), FrameFlag.EndStream],
  ])('frame_bad_flags for %s with flags %i', (_name, message, flags) => {
    const copy = Buffer.from(message);
    copy[2] = flags;
    expect(codeOf(() => decodeFrame(copy))).toBe('frame_bad_flags');
  });

  it.each<[string, Buffer]>([
    ['DATA', encodeData(0, Buffer.from('x'), false)],
    ['REQUEST_HEAD', encodeRequestHeadFrame(0, { method: 'GET', target: '/', headers: [] }, true)],
    ['RESPONSE_HEAD', encodeResponseHeadFrame(0, { status: 200, reason: '', headers: [] }, true)],
    ['WINDOW_UPDATE', encodeWindowUpdate(0, 1)],
    ['RESET', encodeReset(0, ResetCode.Cancel, '')],
  ])('frame_bad_stream for %s on stream 0', (_name, message) => {
    expect(codeOf(() => decodeFrame(message))).toBe('frame_bad_stream');
  });

  it.each([1, 2, 0xffffffff])('frame_bad_stream for CONTROL on stream %i', (streamId) => {
    const message = encodeControl({ type: 'drain' });
    message.writeUInt32BE(streamId, 4);
    expect(codeOf(() => decodeFrame(message))).toBe('frame_bad_stream');
  });

  it.each([0, 3, 5, 8])('frame_bad_payload for a %i-byte WINDOW_UPDATE payload', (length) => {
    expect(codeOf(() => decodeFrame(raw(1, FrameType.WindowUpdate, 0, 0, 1, Buffer.alloc(length, 1))))).toBe(
      'frame_bad_payload',
    );
  });

  it('frame_bad_payload for a WINDOW_UPDATE of 0', () => {
    expect(codeOf(() => decodeFrame(encodeWindowUpdate(1, 0)))).toBe('frame_bad_payload');
  });

  it.each([0, 1])('frame_bad_payload for a RESET with a %i-byte payload', (length) => {
    expect(codeOf(() => decodeFrame(raw(1, FrameType.Reset, 0, 0, 1, Buffer.alloc(length))))).toBe('frame_bad_payload');
  });

  it.each([0, 1, 99, 1000, 0xffff])('frame_bad_payload for response status %i', (status) => {
    const message = encodeResponseHeadFrame(1, { status: 200, reason: 'OK', headers: [] }, false);
    message.writeUInt16BE(status, FRAME_HEADER_BYTES);
    expect(codeOf(() => decodeFrame(message))).toBe('frame_bad_payload');
  });

  describe('truncated heads', () => {
    const heads: Array<[string, Buffer]> = [
      ['request head', encodeRequestHeadFrame(1, { method: 'PATCH', target: '/a?b', headers: [['Host', 'x'], ['A', ''], ['', 'v']] }, false)],
      ['request head, no headers', validHead],
      ['response head', encodeResponseHeadFrame(1, { status: 404, reason: 'Not Found', headers: [['Set-Cookie', 'a'], ['Set-Cookie', 'b']] }, true)],
      ['response head, empty reason, no headers', encodeResponseHeadFrame(1, { status: 200, reason: '', headers: [] }, false)],
    ];

    it.each(heads)('%s: every cut point is head_truncated (or frame_too_short inside the header)', (_name, full) => {
      expect(() => decodeFrame(full)).not.toThrow();
      for (let length = 0; length < full.length; length++) {
        const prefix = Buffer.from(full.subarray(0, length));
        const expected = length < FRAME_HEADER_BYTES ? 'frame_too_short' : 'head_truncated';
        expect([length, codeOf(() => decodeFrame(prefix))]).toEqual([length, expected]);
      }
    });

    it('a field count larger than the fields present is head_truncated', () => {
      const message = Buffer.from(validHead);
      message.writeUInt16BE(0xffff, message.length - 2);
      expect(codeOf(() => decodeFrame(message))).toBe('head_truncated');
    });

    it('a string length past the end is head_truncated', () => {
      const message = Buffer.from(validHead);
      message.writeUInt16BE(0xffff, FRAME_HEADER_BYTES);
      expect(codeOf(() => decodeFrame(message))).toBe('head_truncated');
    });
  });

  it.each<[string, Buffer]>([
    ['request head', validHead],
    ['response head', encodeResponseHeadFrame(1, { status: 200, reason: 'OK', headers: [['a', 'b']] }, false)],
  ])('head_trailing_bytes for a %s followed by extra bytes', (_name, full) => {
    for (const extra of [Buffer.from([0]), Buffer.from('trailing')]) {
      expect(codeOf(() => decodeFrame(Buffer.concat([full, extra])))).toBe('head_trailing_bytes');
    }
  });

  it.each<[string, Buffer]>([
    ['empty payload', Buffer.alloc(0)],
    ['an open brace', Buffer.from('{')],
    ['a bare word', Buffer.from('hello')],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe])],
    ['two objects', Buffer.from('{}{}')],
  ])('control_bad_json for %s', (_name, payload) => {
    expect(codeOf(() => decodeFrame(raw(1, FrameType.Control, 0, 0, 0, payload)))).toBe('control_bad_json');
  });

  it('throws only ProtocolError for arbitrary bytes (seeded fuzz)', () => {
    // mulberry32: a tiny deterministic PRNG, so a failure reproduces.
    let seed = 0x5eed;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const seeds = [validHead, encodeResponseHeadFrame(1, { status: 200, reason: 'OK', headers: [['a', 'b']] }, false), encodeReset(1, 1, 'x'), encodeWindowUpdate(1, 1), encodeControl({ type: 'drain' })];
    let decoded = 0;
    let rejected = 0;
    for (let i = 0; i < 20000; i++) {
      const message = Buffer.from(seeds[i % seeds.length]!);
      // Keep the version byte valid half the time so that the deeper decoders are reached.
      const mutations = 1 + Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) {
        const at = Math.floor(random() * message.length);
        if (at === 0 && i % 2 === 0) continue;
        message[at] = Math.floor(random() * 256);
      }
      try {
        decodeFrame(message);
        decoded++;
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
        rejected++;
      }
    }
    expect(decoded).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('decodeFragments', () => {
  const header = encodeDataHeader(5, true);

  it('takes the payload fragment after an 8-byte header fragment as it is, without copying', () => {
    const frame = decodeFragments([header, KIB64]);
    expect(frame).toEqual({ type: FrameType.Data, streamId: 5, flags: FrameFlag.EndStream, payload: KIB64 });
    if (frame.type !== FrameType.Data) throw new Error('not DATA');
    expect(frame.payload).toBe(KIB64);
  });

  it('joins several payload fragments after the header in order', () => {
    const frame = decodeFragments([header, Buffer.from('ab'), Buffer.from('cd')]);
    expect(frame).toMatchObject({ type: FrameType.Data, payload: Buffer.from('abcd') });
  });

  it.each<[string, (message: Buffer) => Buffer[]]>([
    ['one fragment', (m) => [m]],
    ['split inside the header', (m) => [m.subarray(0, 3), m.subarray(3)]],
    ['split inside the payload', (m) => [m.subarray(0, 12), m.subarray(12)]],
    ['one byte per fragment', (m) => [...m].map((b) => Buffer.from([b]))],
  ])('decodes any other split as the joined message (%s)', (_name, split) => {
    for (const message of [
      encodeData(3, Buffer.from('payload bytes'), false),
      encodeWindowUpdate(7, 65536),
      encodeControl({ type: 'drain' }),
    ]) {
      expect(decodeFragments(split(message))).toEqual(decodeFrame(message));
    }
  });

  it('rejects what decodeFrame rejects, with the same code', () => {
    expect(codeOf(() => decodeFragments([]))).toBe('frame_too_short');
    expect(codeOf(() => decodeFragments([Buffer.from([1, 0, 0])]))).toBe('frame_too_short');
    const badVersion = Buffer.from(header);
    badVersion[0] = 2;
    expect(codeOf(() => decodeFragments([badVersion, KIB64]))).toBe('frame_bad_version');
    const badReserved = Buffer.from(header);
    badReserved[3] = 1;
    expect(codeOf(() => decodeFragments([badReserved, KIB64]))).toBe('frame_bad_flags');
    const onStreamZero = encodeDataHeader(0, false);
    expect(codeOf(() => decodeFragments([onStreamZero, KIB64]))).toBe('frame_bad_stream');
  });
});
