import { HarpError } from '../errors/index.js';
import { ResetCode } from '../protocol/index.js';

/** Where a stream's end came from, so each side can answer honestly (502 vs aborted). */
export type ResetOrigin = 'peer' | 'connection' | 'local';

/** The snake_case code of a RESET reason, for logs and error codes. */
export type StreamResetCode =
  | 'cancel'
  | 'upstream_error'
  | 'refused'
  | 'protocol_error'
  | 'flow_control_error'
  | 'timeout'
  | 'too_large'
  | 'internal'
  | 'upstream_unreachable'
  | 'unknown_reset';

const RESET_CODE_NAMES: Record<ResetCode, StreamResetCode> = {
  [ResetCode.Cancel]: 'cancel',
  [ResetCode.UpstreamError]: 'upstream_error',
  [ResetCode.Refused]: 'refused',
  [ResetCode.ProtocolError]: 'protocol_error',
  [ResetCode.FlowControlError]: 'flow_control_error',
  [ResetCode.Timeout]: 'timeout',
  [ResetCode.TooLarge]: 'too_large',
  [ResetCode.Internal]: 'internal',
  [ResetCode.UpstreamUnreachable]: 'upstream_unreachable',
};

/**
 * A stream ended by a RESET frame, a lost connection, or a local abort. `resetCode` is the wire
 * reason (a peer may send one this side does not know: `code` is then `unknown_reset`).
 */
export class StreamResetError extends HarpError<StreamResetCode> {
  constructor(
    readonly resetCode: ResetCode,
    readonly reason: string,
    readonly origin: ResetOrigin,
  ) {
    super(
      RESET_CODE_NAMES[resetCode] ?? 'unknown_reset',
      `stream reset (${ResetCode[resetCode] ?? resetCode}) by ${origin}: ${reason}`,
    );
  }
}

/** The reset code to send for a local error: its own code when it carries one, else Internal. */
export function resetCodeFor(err: Error | null): ResetCode {
  if (!err) return ResetCode.Cancel;
  const code = (err as { resetCode?: unknown }).resetCode;
  return typeof code === 'number' ? code : ResetCode.Internal;
}
