import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * How long a side whose peer has closed is given to receive its own peer's end once it has
 * delivered what it holds: long enough for a close handshake's last packet, short enough that a
 * peer which never closes does not hold the connection for good (ws waits 30 s for the same).
 */
const HALF_CLOSED_MS = 5_000;

/**
 * Joins two byte streams both ways with backpressure (`pipe`): what one reads, the other writes.
 * One side ending half-closes the other, as TCP does, so that a close handshake inside (a
 * WebSocket's) completes. One side failing, or closing before its end was read, cuts the other:
 * a TCP socket with a reset, so that its peer learns of a failure rather than of an end.
 * `onClose` runs once, when both are closed. Both must be open when joined.
 */
export function joinSockets(a: Duplex, b: Duplex, onClose: () => void): void {
  let open = 2;
  const closed = (): void => {
    if (--open === 0) onClose();
  };
  for (const [from, to] of [[a, b], [b, a]] as const) {
    from.pipe(to);
    from.on('error', () => cut(to));
    from.once('close', () => {
      closed();
      if (to.destroyed) return;
      if (!from.readableEnded) return cut(to);
      // `from` ended cleanly, so `pipe` has ended `to`, which delivers what it holds. Nothing can
      // reach `from` any more: what `to` still reads is dropped while it waits for its peer's end.
      to.resume();
      const timer = setTimeout(() => to.destroy(), HALF_CLOSED_MS);
      timer.unref();
      to.once('close', () => clearTimeout(timer));
    });
  }
}

function cut(socket: Duplex): void {
  const tcp = socket as Partial<Socket>;
  // A TLS socket has no reset of its own: it is destroyed, which its peer sees as a close.
  if (typeof tcp.resetAndDestroy === 'function' && !socket.destroyed) tcp.resetAndDestroy();
  else socket.destroy();
}
