import type { WebSocket } from 'ws';

/**
 * Pings an agent every interval and gives up on it after two unanswered pings, so a dead
 * agent's routes disappear within about three intervals instead of at TCP's timeout.
 */
export class Heartbeat {
  private timer?: NodeJS.Timeout;
  private missed = 0;
  private sentAt = 0;
  private awaiting = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly intervalMs: number,
    private readonly onRtt: (ms: number) => void,
    private readonly onDead: () => void,
  ) {}

  start(): void {
    this.socket.on('pong', () => {
      this.awaiting = false;
      this.missed = 0;
      this.onRtt(Date.now() - this.sentAt);
    });
    this.timer = setInterval(() => this.beat(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    if (this.awaiting && ++this.missed >= 2) {
      this.stop();
      this.onDead();
      return;
    }
    this.awaiting = true;
    this.sentAt = Date.now();
    this.socket.ping();
  }
}
