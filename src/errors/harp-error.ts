/**
 * The one base of every error HARP raises on purpose. Each failure is a subclass with a stable
 * `code` in snake_case (the form a client sees in `X-Harp-Error`), so that logs, metrics, tests
 * and peers switch on the code, never on the message. The cause is kept for logs.
 *
 * `docs/errors.md` lists the codes a client or an agent can see.
 */
export class HarpError<Code extends string = string> extends Error {
  constructor(
    /** Stable, snake_case; safe to show to clients and peers. */
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True for an error HARP raised on purpose, optionally with one of `codes`. */
export function isHarpError(error: unknown, ...codes: readonly string[]): error is HarpError {
  return error instanceof HarpError && (codes.length === 0 || codes.includes(error.code));
}
