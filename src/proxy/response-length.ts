import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

/**
 * The body length a response head declares: a number, `undefined` when it declares none, or
 * `null` when its Content-Length fields are invalid or disagree (RFC 9112 §6.3: unrecoverable).
 */
export function declaredLength(raw: readonly string[]): number | undefined | null {
  let length: number | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length !== 14 || raw[i].toLowerCase() !== 'content-length') continue;
    for (const part of raw[i + 1].split(',')) {
      const text = part.trim();
      if (!/^\d{1,15}$/.test(text)) return null;
      const n = Number(text);
      if (length !== undefined && length !== n) return null;
      length = n;
    }
  }
  return length;
}

/** Raised when a body ends shorter or runs longer than its Content-Length said. */
export class LengthMismatchError extends Error {
  override readonly name = 'LengthMismatchError';
}

/**
 * Passes a body through, failing if it does not have exactly `expected` bytes. Without it a
 * backend that sends too little would leave the client waiting on a "complete" 200.
 */
export class ExactLength extends Transform {
  private seen = 0;

  constructor(private readonly expected: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.expected) done(new LengthMismatchError(`body longer than ${this.expected}`));
    else done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.seen === this.expected) done();
    else done(new LengthMismatchError(`body of ${this.seen} bytes, ${this.expected} declared`));
  }
}
