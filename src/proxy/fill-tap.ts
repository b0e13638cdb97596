import type { BodyTap } from './exchange-observer.js';

/**
 * Copies a response body aside while it streams to the client, so that the cache can store it
 * once it arrived whole. Past `maxBytes` it stops copying (the client still gets everything);
 * an incomplete or oversized body is never committed. Exactly one of `commit` and `abandon` is
 * called: `abandon` as soon as the body outgrows `maxBytes` (requests collapsed behind this one
 * must not wait for the rest of a download that will not be stored), else at the end.
 */
export class FillTap implements BodyTap {
  private chunks: Buffer[] = [];
  private size = 0;
  private overflowed = false;
  private ended = false;

  constructor(
    private readonly maxBytes: number,
    private readonly commit: (body: Buffer) => void,
    private readonly abandon: () => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.overflowed || this.ended) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.overflowed = true;
      this.chunks = [];
      this.abandon();
      return;
    }
    this.chunks.push(chunk);
  }

  end(complete: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (this.overflowed) return; // abandoned when it overflowed
    if (complete) this.commit(Buffer.concat(this.chunks, this.size));
    else this.abandon();
    this.chunks = [];
  }
}
