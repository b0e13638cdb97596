import type { ServerResponse } from 'node:http';

/**
 * Bytes a client may leave unread before exchange events to it are dropped: a slow or paused
 * dashboard must not make the proxy hold an ever-growing backlog of events for it.
 */
const MAX_BUFFERED_BYTES = 256 * 1024;

/** One open `text/event-stream` response. */
export class SseClient {
  private dropped = 0;
  /** Id of the newest exchange among those dropped since the last report. */
  private droppedUpTo?: string;

  constructor(private readonly res: ServerResponse) {}

  /** Opens the stream: headers out now, so that the client sees it is connected. */
  open(): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // Tells nginx and similar front proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    this.res.flushHeaders();
  }

  /**
   * Sends the event of exchange `id` unless the client reads too slowly; then it is dropped,
   * and counted.
   */
  offer(event: string, data: string, id: string): void {
    if (this.res.writableLength > MAX_BUFFERED_BYTES) return this.skip(id);
    this.send(event, data);
  }

  /** Counts exchange `id`'s event, not sent to this client, for the next report. */
  skip(id: string): void {
    this.dropped++;
    this.droppedUpTo = id;
  }

  /** Sends an event, reporting first how many were dropped since the last one that went out. */
  send(event: string, data: string): void {
    if (this.res.writableEnded) return;
    if (this.dropped > 0) {
      // `upTo` lets a view that reloaded its list since tell which drops it already counts.
      this.write('dropped', JSON.stringify({ count: this.dropped, upTo: this.droppedUpTo ?? null }));
      this.dropped = 0;
      this.droppedUpTo = undefined;
    }
    this.write(event, data);
  }

  /** An SSE comment: keeps idle intermediaries from closing the connection. */
  keepAlive(): void {
    if (!this.res.writableEnded) this.res.write(': keep-alive\n\n');
  }

  close(): void {
    this.res.end();
  }

  // `data` is one line of JSON: JSON.stringify never emits a raw newline.
  private write(event: string, data: string): void {
    this.res.write(`event: ${event}\ndata: ${data}\n\n`);
  }
}
