import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  readonly event: string;
  readonly data: any;
}

/**
 * A test client of a `text/event-stream`: collects events as they arrive and waits for the
 * next one that matches.
 */
export class SseReader {
  readonly events: SseEvent[] = [];
  private buffered = '';
  private waiters: Array<() => void> = [];
  private req?: ClientRequest;

  static async open(url: string, headers: Record<string, string> = {}): Promise<{ reader: SseReader; res: IncomingMessage }> {
    const reader = new SseReader();
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      reader.req = request(url, { headers, agent: false }, resolve);
      reader.req.once('error', reject);
      reader.req.end();
    });
    res.setEncoding('utf8');
    res.on('data', (text: string) => reader.take(text));
    res.on('error', () => undefined);
    return { reader, res };
  }

  /** The first event (already received or still to come) named `event` that passes `matches`. */
  async next(event: string, matches: (data: any) => boolean = () => true, ms = 3000): Promise<SseEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find((e) => e.event === event && matches(e.data));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${event}" event within ${ms} ms; got ${this.events.map((e) => e.event).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.req?.destroy();
  }

  private take(text: string): void {
    this.buffered += text;
    let end: number;
    while ((end = this.buffered.indexOf('\n\n')) >= 0) {
      const block = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + 2);
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
      if (event !== undefined && data !== undefined) this.events.push({ event, data: JSON.parse(data) });
    }
    this.waiters.splice(0).forEach((wake) => wake());
  }
}
