import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/**
 * `bytes` pseudo-random bytes made on demand (AES-256-CTR keystream of a seed), never held in
 * memory at once. The same seed gives the same bytes, in any process.
 */
export function pseudoRandomStream(bytes: number, seed: string): Readable {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  let left = bytes;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(left, CHUNK);
      left -= n;
      this.push(cipher.update(n === CHUNK ? ZEROS : ZEROS.subarray(0, n)));
    },
  });
}

/** Counts and hashes what flows through; read `result()` once the stream has ended. */
export class StreamDigest {
  private readonly hash = createHash('sha256');
  private count = 0;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.count += chunk.length;
  }

  get bytes(): number {
    return this.count;
  }

  result(): { bytes: number; sha256: string } {
    return { bytes: this.count, sha256: this.hash.digest('hex') };
  }
}

const STALL_EVERY = 16 * 1024 * 1024;
const STALL_MS = 150;

/**
 * Call after each chunk read (`before`/`after` are the byte counts around it): the reader stops
 * for 150 ms every 16 MiB, as a slow client or backend does. The sender meanwhile runs at full
 * speed, so a proxy that did not pass backpressure on would pile up what arrives during each
 * stall (tens of MiB at the rates seen on a laptop).
 */
export function stallEvery(reader: { pause(): unknown; resume(): unknown }, before: number, after: number): void {
  if (Math.floor(before / STALL_EVERY) === Math.floor(after / STALL_EVERY)) return;
  reader.pause();
  setTimeout(() => reader.resume(), STALL_MS);
}

/**
 * Calls `fail` once the count `read()` returns has not grown for `quietMs`, and returns the
 * function that stops watching. It tells a transfer that hangs (a lost window update, a missed
 * `drain`) from one that is merely slow on a loaded machine, and says where it stopped.
 */
export function failWhenStalled(read: () => number, quietMs: number, fail: (err: Error) => void): () => void {
  let last = read();
  let since = Date.now();
  const timer = setInterval(() => {
    const now = read();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      clearInterval(timer);
      fail(new Error(`transfer stalled: no progress for ${quietMs} ms after ${now} bytes`));
    }
  }, 500);
  timer.unref();
  return () => clearInterval(timer);
}
