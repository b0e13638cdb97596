import type { ServerResponse } from 'node:http';

/**
 * Bytes a client may leave unread before exchange events to it are dropped: a slow or paused
 * dashboard must not make the proxy hold an ever-growing backlog of events for it.
 */
const MAX_BUFFERED_BYTES = 256 * 1024;

/** One open `text/event-stream` response. */
export class SseClient {
  private dropped = 0;

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

  /** Sends an event that may be dropped (and counted) when the client reads too slowly. */
  offer(event: string, data: string): void {
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.dropped++;
      return;
    }
    this.send(event, data);
  }

  /** Counts an event this client was not sent, to be reported with the next one that is. */
  skip(): void {
    this.dropped++;
  }

  /** Sends an event, reporting first how many were dropped since the last one that went out. */
  send(event: string, data: string): void {
    if (this.res.writableEnded) return;
    if (this.dropped > 0) {
      this.write('dropped', JSON.stringify({ count: this.dropped }));
      this.dropped = 0;
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
