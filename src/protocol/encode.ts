import { FRAME_HEADER_BYTES, FrameFlag, FrameType, PROTOCOL_VERSION } from './constants.js';
import type { HeaderField, RequestHead, ResponseHead } from './frame.js';
import { encodeRawResponseHead, encodeRequestHead, encodeResponseHead, encodeTrailerBlock } from './head-codec.js';
import type { RawFields } from './head-codec.js';

function writeHeader(buf: Buffer, type: FrameType, flags: number, streamId: number): Buffer {
  buf[0] = PROTOCOL_VERSION;
  buf[1] = type;
  buf[2] = flags;
  buf[3] = 0;
  buf.writeUInt32BE(streamId, 4);
  return buf;
}

const endFlag = (end: boolean): number => (end ? FrameFlag.EndStream : FrameFlag.None);

/**
 * The 8-byte header of a DATA frame alone, for a sender that passes header and payload to the
 * WebSocket as two fragments of one message instead of copying them together.
 */
export function encodeDataHeader(streamId: number, end: boolean): Buffer {
  return writeHeader(Buffer.allocUnsafe(FRAME_HEADER_BYTES), FrameType.Data, endFlag(end), streamId);
}

/** DATA: the chunk is copied once, after the header, into one WebSocket message. */
export function encodeData(streamId: number, chunk: Uint8Array, end: boolean): Buffer {
  const buf = Buffer.allocUnsafe(FRAME_HEADER_BYTES + chunk.length);
  buf.set(chunk, FRAME_HEADER_BYTES);
  return writeHeader(buf, FrameType.Data, endFlag(end), streamId);
}

export function encodeRequestHeadFrame(streamId: number, head: RequestHead, end: boolean): Buffer {
  const buf = encodeRequestHead(head, FRAME_HEADER_BYTES);
  return writeHeader(buf, FrameType.RequestHead, endFlag(end), streamId);
}

export function encodeResponseHeadFrame(streamId: number, head: ResponseHead, end: boolean): Buffer {
  const buf = encodeResponseHead(head, FRAME_HEADER_BYTES);
  return writeHeader(buf, FrameType.ResponseHead, endFlag(end), streamId);
}

/** RESPONSE_HEAD from an HTTP client's raw field list: the bytes {@link encodeResponseHeadFrame} sends for the same fields. */
export function encodeRawResponseHeadFrame(streamId: number, status: number, reason: string, raw: RawFields, end: boolean): Buffer {
  const buf = encodeRawResponseHead(status, reason, raw, FRAME_HEADER_BYTES);
  return writeHeader(buf, FrameType.ResponseHead, endFlag(end), streamId);
}

/** TRAILERS: always with END_STREAM, which it ends the sender's direction with (§4.8). */
export function encodeTrailersFrame(streamId: number, fields: readonly HeaderField[]): Buffer {
  const buf = encodeTrailerBlock(fields, FRAME_HEADER_BYTES);
  return writeHeader(buf, FrameType.Trailers, FrameFlag.EndStream, streamId);
}

export function encodeWindowUpdate(streamId: number, increment: number): Buffer {
  const buf = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 4);
  buf.writeUInt32BE(increment, FRAME_HEADER_BYTES);
  return writeHeader(buf, FrameType.WindowUpdate, FrameFlag.None, streamId);
}

export function encodeReset(streamId: number, code: number, reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 512), 'utf8');
  const buf = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 2 + text.length);
  buf.writeUInt16BE(code, FRAME_HEADER_BYTES);
  buf.set(text, FRAME_HEADER_BYTES + 2);
  return writeHeader(buf, FrameType.Reset, FrameFlag.None, streamId);
}

/** CONTROL: a JSON object on stream 0. */
export function encodeControl(message: object): Buffer {
  const json = Buffer.from(JSON.stringify(message), 'utf8');
  const buf = Buffer.allocUnsafe(FRAME_HEADER_BYTES + json.length);
  buf.set(json, FRAME_HEADER_BYTES);
  return writeHeader(buf, FrameType.Control, FrameFlag.None, 0);
}
