import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ResetCode } from '../protocol/index.js';
import type { ResponseHead } from '../protocol/index.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';
import type { ExchangeReport } from '../exchange/index.js';
import { endToEnd, flatten } from '../http/hop-by-hop.js';

/**
 * The `101` head to send the client, from the backend's answer: its end-to-end fields
 * (`Sec-WebSocket-Accept`, `Sec-WebSocket-Protocol`, …) plus the hop-by-hop pair that makes it
 * an upgrade. Undefined when a field could not be written as it is (a backend must not be able
 * to split the response with CR or LF in a value).
 */
export function switchingProtocolsHead(answer: ResponseHead): string | undefined {
  return switchingHeadOf(flatten(answer.headers));
}

/** {@link switchingProtocolsHead} from a raw field list (`[name, value, …]`, Node's `rawHeaders`). */
export function switchingHeadOf(raw: readonly string[]): string | undefined {
  const fields = endToEnd(raw);
  const lines = ['HTTP/1.1 101 Switching Protocols'];
  try {
    for (let i = 0; i < fields.length; i += 2) {
      validateHeaderName(fields[i]!);
      validateHeaderValue(fields[i]!, fields[i + 1]!);
      lines.push(`${fields[i]}: ${fields[i + 1]}`);
    }
  } catch {
    return undefined;
  }
  lines.push('Connection: Upgrade', 'Upgrade: websocket');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** What {@link bridgeUpgrade} joins. */
export interface UpgradeBridge {
  /** The client's connection, detached from the HTTP server. */
  readonly socket: Duplex;
  /** Bytes the client sent after its request head, read along with it. */
  readonly head: Buffer;
  /** The `101` head text ({@link switchingProtocolsHead}). */
  readonly switching: string;
  readonly stream: TunnelStream;
  readonly report: ExchangeReport;
  /** Called once, when the connection is over. */
  readonly done: () => void;
}

/**
 * Joins an upgraded client connection and its tunnel stream, both ways, with backpressure: the
 * tunnel's flow control holds the client back and a slow client holds the backend back. Either
 * side ending half-closes the other; either failing ends both.
 */
export function bridgeUpgrade({ socket, head, switching, stream, report, done }: UpgradeBridge): void {
  report.status = 101;
  report.responseHead = switching;
  if (socket.destroyed) {
    // The client left while the backend was accepting: nothing to join, and no 'close' to come.
    stream.reset(ResetCode.Cancel, 'client connection closed');
    return done();
  }
  (socket as Partial<Socket>).setNoDelay?.(true);
  socket.write(switching);
  if (head.length > 0) stream.write(head);
  report.bytesIn = head.length;
  socket.on('data', (chunk: Buffer) => (report.bytesIn += chunk.length));
  stream.on('data', (chunk: Buffer) => (report.bytesOut += chunk.length));
  socket.pipe(stream);
  stream.pipe(socket);
  socket.on('error', () => stream.reset(ResetCode.Cancel, 'client connection failed'));
  stream.on('error', () => socket.destroy());
  socket.once('close', () => {
    // Both directions ended cleanly, or the connection was cut.
    report.complete = stream.remoteEnded && stream.localEnded;
    if (!stream.destroyed && !report.complete) stream.reset(ResetCode.Cancel, 'client connection closed');
    done();
  });
}
