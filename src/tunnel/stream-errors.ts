import { ResetCode } from '../protocol/index.js';

/** Where a stream's end came from, so each side can answer honestly (502 vs aborted). */
export type ResetOrigin = 'peer' | 'connection' | 'local';

/** A stream ended by a RESET frame, a lost connection, or a local abort. */
export class StreamResetError extends Error {
  override readonly name = 'StreamResetError';

  constructor(
    readonly code: ResetCode,
    readonly reason: string,
    readonly origin: ResetOrigin,
  ) {
    super(`stream reset (${ResetCode[code] ?? code}) by ${origin}: ${reason}`);
  }
}

/** The reset code to send for a local error: its own code when it carries one, else Internal. */
export function resetCodeFor(err: Error | null): ResetCode {
  if (!err) return ResetCode.Cancel;
  const code = (err as { resetCode?: unknown }).resetCode;
  return typeof code === 'number' ? code : ResetCode.Internal;
}
