/** Stable codes for protocol violations; each closes the connection with CloseCode.ProtocolError. */
export type ProtocolErrorCode =
  | 'FRAME_TOO_SHORT'
  | 'FRAME_BAD_VERSION'
  | 'FRAME_UNKNOWN_TYPE'
  | 'FRAME_BAD_FLAGS'
  | 'FRAME_BAD_STREAM'
  | 'FRAME_BAD_PAYLOAD'
  | 'FRAME_TOO_LARGE'
  | 'HEAD_TRUNCATED'
  | 'HEAD_TRAILING_BYTES'
  | 'HEAD_TOO_LARGE'
  | 'CONTROL_BAD_JSON'
  | 'CONTROL_BAD_MESSAGE'
  | 'STREAM_UNKNOWN'
  | 'STREAM_STATE'
  | 'FLOW_CONTROL'
  | 'TEXT_FRAME';

/** A violation of the wire protocol by the peer: one error, one stable code. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}
