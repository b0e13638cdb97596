/**
 * The first bytes of a body, kept for the request inspector while the body streams past.
 * Copies what it keeps, so that a large read buffer is never held alive by a small slice of it.
 */
export class BodyCapture {
  /** Body bytes seen, kept or not. */
  size = 0;
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  constructor(readonly limit: number) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    const room = this.limit - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(Buffer.from(part));
    this.kept += part.length;
  }

  /** Whether bytes were seen past {@link limit}. */
  get truncated(): boolean {
    return this.size > this.kept;
  }

  /** The kept bytes, in order. */
  bytes(): Buffer {
    if (this.chunks.length !== 1) this.chunks.splice(0, this.chunks.length, Buffer.concat(this.chunks));
    return this.chunks[0] ?? Buffer.alloc(0);
  }
}
