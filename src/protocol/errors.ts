import { HarpError } from '../errors/index.js';

/** Stable codes for protocol violations; each closes the connection with CloseCode.ProtocolError. */
export type ProtocolErrorCode =
  | 'frame_too_short'
  | 'frame_bad_version'
  | 'frame_unknown_type'
  | 'frame_bad_flags'
  | 'frame_bad_stream'
  | 'frame_bad_payload'
  | 'frame_too_large'
  | 'head_truncated'
  | 'head_trailing_bytes'
  | 'head_too_large'
  | 'control_bad_json'
  | 'control_bad_message'
  | 'stream_unknown'
  | 'stream_state'
  | 'flow_control'
  | 'text_frame';

/** A violation of the wire protocol by the peer: one error, one stable code. */
export class ProtocolError extends HarpError<ProtocolErrorCode> {
  constructor(code: ProtocolErrorCode, message: string) {
    super(code, message);
  }
}
