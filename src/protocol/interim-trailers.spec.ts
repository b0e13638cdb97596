import { FRAME_HEADER_BYTES, FrameFlag, FrameType, isInterimStatus } from './constants.js';
import { decodeFrame } from './decode.js';
import { encodeResponseHeadFrame, encodeTrailersFrame } from './encode.js';
import { ProtocolError } from './errors.js';
import type { ProtocolErrorCode } from './errors.js';
import type { HeaderField } from './frame.js';

// docs/protocol.md §4.8 (TRAILERS) and §5.4 (interim responses): golden bytes, round trips and
// one case per decode error.

function codeOf(run: () => unknown): ProtocolErrorCode {
  try {
    run();
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
  throw new Error('expected a ProtocolError, nothing was thrown');
}

function withFlags(frame: Buffer, flags: number): Buffer {
  const copy = Buffer.from(frame);
  copy[2] = flags;
  return copy;
}

describe('TRAILERS', () => {
  it('has the golden layout: header with END_STREAM, then one fields block', () => {
    expect([...encodeTrailersFrame(3, [['a', 'b']])]).toEqual([1, 0x05, 0x01, 0, 0, 0, 0, 3, 0, 1, 0, 1, 0x61, 0, 1, 0x62]);
  });

  it.each<[string, HeaderField[]]>([
    ['no fields', []],
    ['one field', [['Grpc-Status', '0']]],
    ['repeated fields in order, case kept', [['X-A', '1'], ['x-a', '2'], ['Server-Timing', 'db;dur=53']]],
    ['bytes 0x80-0xFF', [['x-bin', '\u00ff\u0080 \u00e9']]],
  ])('round-trips %s', (_name, fields) => {
    expect(decodeFrame(encodeTrailersFrame(0xffffffff, fields))).toEqual({
      type: FrameType.Trailers,
      streamId: 0xffffffff,
      flags: FrameFlag.EndStream,
      fields,
    });
  });

  it.each([0x00, 0x02, 0x03, 0x80])('frame_bad_flags without END_STREAM alone (flags %i)', (flags) => {
    expect(codeOf(() => decodeFrame(withFlags(encodeTrailersFrame(1, []), flags)))).toBe('frame_bad_flags');
  });

  it('frame_bad_stream on stream 0', () => {
    expect(codeOf(() => decodeFrame(encodeTrailersFrame(0, [])))).toBe('frame_bad_stream');
  });

  it('head_truncated and head_trailing_bytes for a bad fields block', () => {
    const frame = encodeTrailersFrame(1, [['a', 'b']]);
    expect(codeOf(() => decodeFrame(frame.subarray(0, frame.length - 1)))).toBe('head_truncated');
    expect(codeOf(() => decodeFrame(frame.subarray(0, FRAME_HEADER_BYTES)))).toBe('head_truncated');
    expect(codeOf(() => decodeFrame(Buffer.concat([frame, Buffer.from([0])])))).toBe('head_trailing_bytes');
  });
});

describe('interim responses', () => {
  it.each([
    [100, true],
    [101, false],
    [102, true],
    [103, true],
    [199, true],
    [200, false],
    [99, false],
  ])('status %i is interim: %s', (status, interim) => {
    expect(isInterimStatus(status)).toBe(interim);
  });

  it('round-trips a 103 with its Link fields, without END_STREAM', () => {
    const head = { status: 103, reason: 'Early Hints', headers: [['Link', '</a.css>; rel=preload'], ['Link', '</b.js>; rel=preload']] as HeaderField[] };
    expect(decodeFrame(encodeResponseHeadFrame(1, head, false))).toEqual({ type: FrameType.ResponseHead, streamId: 1, flags: 0, head });
  });

  it.each([100, 102, 103, 150])('frame_bad_flags for interim %i with END_STREAM', (status) => {
    const frame = encodeResponseHeadFrame(1, { status, reason: '', headers: [] }, true);
    expect(codeOf(() => decodeFrame(frame))).toBe('frame_bad_flags');
  });

  it('a 101 or a final head may carry END_STREAM', () => {
    for (const status of [101, 200, 204]) {
      const frame = decodeFrame(encodeResponseHeadFrame(1, { status, reason: '', headers: [] }, true));
      expect(frame.flags).toBe(FrameFlag.EndStream);
    }
  });
});
