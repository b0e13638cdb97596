import { FRAME_HEADER_BYTES, FrameFlag, FrameType, isInterimStatus, PROTOCOL_VERSION } from './constants.js';
import { ProtocolError } from './errors.js';
import type { Frame } from './frame.js';
import { decodeRequestHead, decodeResponseHead, decodeTrailerBlock } from './head-codec.js';

const STREAM_FLAGS = FrameFlag.EndStream;

/**
 * Decodes one WebSocket binary message into one frame. The payload of DATA is a view into
 * `message` (no copy). Any violation throws a ProtocolError with a stable code.
 */
export function decodeFrame(message: Buffer): Frame {
  if (message.length < FRAME_HEADER_BYTES) {
    throw new ProtocolError('frame_too_short', `frame of ${message.length} bytes has no header`);
  }
  return decodeParts(message, message.subarray(FRAME_HEADER_BYTES));
}

/**
 * Decodes one WebSocket binary message given as the fragments it arrived in. A message whose
 * first fragment is exactly the 8-byte header (how a large DATA frame is sent, §2) is decoded
 * without joining: the payload is the remaining fragment itself, or their join if several.
 * Any other split is joined first, which decodes exactly as {@link decodeFrame} would.
 */
export function decodeFragments(fragments: readonly Buffer[]): Frame {
  if (fragments.length === 1) return decodeFrame(fragments[0]!);
  if (fragments[0]?.length !== FRAME_HEADER_BYTES) return decodeFrame(Buffer.concat(fragments));
  const rest = fragments.slice(1);
  return decodeParts(fragments[0], rest.length === 1 ? rest[0]! : Buffer.concat(rest));
}

// `header` holds at least the 8 header bytes (only those are read); `payload` is what follows them.
function decodeParts(header: Buffer, payload: Buffer): Frame {
  if (header[0] !== PROTOCOL_VERSION) {
    throw new ProtocolError('frame_bad_version', `protocol version ${header[0]} is not 1`);
  }
  const type = header[1];
  const flags = header[2];
  if (header[3] !== 0) throw new ProtocolError('frame_bad_flags', 'reserved byte is not 0');
  const streamId = header.readUInt32BE(4);
  if (type === FrameType.Control) return decodeControl(flags, streamId, payload);
  if (streamId === 0) throw new ProtocolError('frame_bad_stream', `frame type ${type} on stream 0`);
  switch (type) {
    case FrameType.Data:
      checkFlags(flags, STREAM_FLAGS);
      return { type, streamId, flags, payload };
    case FrameType.RequestHead:
      checkFlags(flags, STREAM_FLAGS);
      return { type, streamId, flags, head: decodeRequestHead(payload) };
    case FrameType.ResponseHead:
      return decodeResponseHeadFrame(flags, streamId, payload);
    case FrameType.Trailers:
      // "TRAILERS always carries END_STREAM": the trailers are the last thing in a direction.
      if (flags !== FrameFlag.EndStream) {
        throw new ProtocolError('frame_bad_flags', 'TRAILERS must carry END_STREAM and nothing else');
      }
      return { type, streamId, flags, fields: decodeTrailerBlock(payload) };
    case FrameType.WindowUpdate:
      return decodeWindowUpdate(flags, streamId, payload);
    case FrameType.Reset:
      return decodeReset(flags, streamId, payload);
    default:
      throw new ProtocolError('frame_unknown_type', `unknown frame type 0x${type.toString(16)}`);
  }
}

function checkFlags(flags: number, allowed: number): void {
  if ((flags & ~allowed) !== 0) {
    throw new ProtocolError('frame_bad_flags', `flags 0x${flags.toString(16)} not allowed here`);
  }
}

function decodeResponseHeadFrame(flags: number, streamId: number, payload: Buffer): Frame {
  checkFlags(flags, STREAM_FLAGS);
  const head = decodeResponseHead(payload);
  // An interim response is never the last thing on a stream: the final head follows it.
  if (isInterimStatus(head.status) && (flags & FrameFlag.EndStream) !== 0) {
    throw new ProtocolError('frame_bad_flags', `interim response ${head.status} with END_STREAM`);
  }
  return { type: FrameType.ResponseHead, streamId, flags, head };
}

function decodeWindowUpdate(flags: number, streamId: number, payload: Buffer): Frame {
  checkFlags(flags, FrameFlag.None);
  if (payload.length !== 4) {
    throw new ProtocolError('frame_bad_payload', 'WINDOW_UPDATE payload must be 4 bytes');
  }
  const increment = payload.readUInt32BE(0);
  if (increment === 0) throw new ProtocolError('frame_bad_payload', 'WINDOW_UPDATE of 0');
  return { type: FrameType.WindowUpdate, streamId, flags, increment };
}

function decodeReset(flags: number, streamId: number, payload: Buffer): Frame {
  checkFlags(flags, FrameFlag.None);
  if (payload.length < 2) throw new ProtocolError('frame_bad_payload', 'RESET without a code');
  const reason = payload.toString('utf8', 2);
  return { type: FrameType.Reset, streamId, flags, code: payload.readUInt16BE(0), reason };
}

function decodeControl(flags: number, streamId: number, payload: Buffer): Frame {
  checkFlags(flags, FrameFlag.None);
  if (streamId !== 0) throw new ProtocolError('frame_bad_stream', 'CONTROL frame off stream 0');
  let message: unknown;
  try {
    message = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new ProtocolError('control_bad_json', 'CONTROL payload is not JSON');
  }
  return { type: FrameType.Control, streamId, flags, message };
}
