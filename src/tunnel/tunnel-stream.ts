import { Duplex } from 'node:stream';
import {
  encodeReset,
  encodeWindowUpdate,
  ProtocolError,
  ResetCode,
} from '../protocol/index.js';
import type { ResponseHead } from '../protocol/index.js';
import { resetCodeFor, StreamResetError } from './stream-errors.js';

/** What a stream needs from its connection: a way to send frames, and connection backpressure. */
export interface StreamTransport {
  readonly maxFrameBytes: number;
  sendFrame(frame: Buffer): void;
  /** Sends one DATA frame; the transport may avoid copying `payload`. */
  sendData(streamId: number, payload: Buffer, end: boolean): void;
  /** True while the connection's unflushed bytes are under its high-water mark. */
  isWritable(): boolean;
  /** Calls `resume` once the connection is writable again. */
  whenWritable(resume: () => void): void;
  streamClosed(stream: TunnelStream): void;
}

interface PendingWrite {
  chunk: Buffer;
  offset: number;
  done: (err?: Error | null) => void;
}

/**
 * One request/response exchange multiplexed on a tunnel connection. The readable side is the
 * body the peer sends; the writable side is the body this side sends. Both directions obey the
 * per-stream window: DATA is only sent against credit, and credit is only returned for bytes the
 * local consumer has taken out of the readable buffer, so neither end buffers more than a window.
 */
export class TunnelStream extends Duplex {
  /** The peer's response head (proxy side), once received. */
  responseHead?: ResponseHead;
  /** DATA payload bytes received from the peer. */
  bytesReceived = 0;
  localEnded = false;
  remoteEnded = false;

  private sendWindow: number;
  private recvWindow: number;
  private credited = 0;
  private pending?: PendingWrite;
  private resetSent = false;
  private closedNotified = false;
  private readonly creditThreshold: number;

  constructor(
    readonly id: number,
    private readonly transport: StreamTransport,
    private readonly windowBytes: number,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: windowBytes, decodeStrings: true });
    this.sendWindow = windowBytes;
    this.recvWindow = windowBytes;
    this.creditThreshold = Math.max(1, Math.floor(windowBytes / 4));
  }

  // ----- incoming, called by the connection -----

  /** Delivers DATA from the peer; a peer that overruns its window breaks the protocol. */
  receiveData(payload: Buffer, end: boolean): void {
    if (this.remoteEnded) throw new ProtocolError('stream_state', `DATA after end on ${this.id}`);
    if (payload.length > this.recvWindow) {
      throw new ProtocolError('flow_control', `stream ${this.id} overran its window`);
    }
    this.recvWindow -= payload.length;
    this.bytesReceived += payload.length;
    if (payload.length > 0) this.push(payload);
    if (end) this.receiveEnd();
    else this.creditConsumed();
  }

  /** Records that a head frame carried END_STREAM, and closes the writable side to match. */
  endedWithHead(): void {
    this.localEnded = true;
    this.end();
  }

  receiveEnd(): void {
    this.remoteEnded = true;
    this.push(null);
    this.closeIfDone();
  }

  receiveWindowUpdate(increment: number): void {
    this.sendWindow += increment;
    if (this.sendWindow > 0x7fff_ffff) {
      throw new ProtocolError('flow_control', `stream ${this.id} window above 2^31-1`);
    }
    this.pump();
  }

  receiveReset(code: ResetCode, reason: string): void {
    this.resetSent = true; // the peer already forgot the stream: never answer a RESET with one
    this.destroy(new StreamResetError(code, reason, 'peer'));
  }

  /** The connection is gone: every stream on it ends with an error, nothing is sent. */
  connectionLost(reason: string): void {
    this.resetSent = true;
    this.destroy(new StreamResetError(ResetCode.Internal, reason, 'connection'));
  }

  /** Aborts the stream and tells the peer why. */
  reset(code: ResetCode, reason: string): void {
    if (this.destroyed) return;
    this.sendReset(code, reason);
    this.destroy(new StreamResetError(code, reason, 'local'));
  }

  // ----- readable side: credit follows consumption -----

  override _read(): void {
    this.creditConsumed();
  }

  override read(size?: number): unknown {
    const chunk = super.read(size);
    this.creditConsumed();
    return chunk;
  }

  // Called after every push and every read: bytes that left the readable buffer are returned to
  // the peer as window, in batches of a quarter window to keep WINDOW_UPDATE frames rare.
  private creditConsumed(): void {
    if (this.remoteEnded || this.destroyed) return;
    const owed = this.bytesReceived - this.readableLength - this.credited;
    if (owed < this.creditThreshold) return;
    this.credited += owed;
    this.recvWindow += owed;
    this.transport.sendFrame(encodeWindowUpdate(this.id, owed));
  }

  // ----- writable side: DATA against credit -----

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.pending = { chunk, offset: 0, done };
    this.pump();
  }

  override _final(done: (err?: Error | null) => void): void {
    // A head sent with END_STREAM already ended this direction; then there is nothing to send.
    if (!this.localEnded && !this.resetSent) this.transport.sendData(this.id, EMPTY, true);
    this.localEnded = true;
    this.closeIfDone();
    done();
  }

  private pump(): void {
    const w = this.pending;
    if (!w || this.destroyed) return;
    const maxFrame = this.transport.maxFrameBytes;
    while (w.offset < w.chunk.length) {
      if (this.sendWindow <= 0) return; // resumed by receiveWindowUpdate
      if (!this.transport.isWritable()) {
        this.transport.whenWritable(() => this.pump());
        return;
      }
      const n = Math.min(w.chunk.length - w.offset, this.sendWindow, maxFrame);
      this.transport.sendData(this.id, w.chunk.subarray(w.offset, w.offset + n), false);
      this.sendWindow -= n;
      w.offset += n;
    }
    this.pending = undefined;
    w.done();
  }

  // ----- teardown -----

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    if (!(this.localEnded && this.remoteEnded)) this.sendReset(resetCodeFor(err), err?.message ?? 'cancelled');
    const w = this.pending;
    this.pending = undefined;
    this.notifyClosed();
    done(err);
    if (w) w.done(err ?? new StreamResetError(ResetCode.Cancel, 'stream closed', 'local'));
  }

  private sendReset(code: ResetCode, reason: string): void {
    if (this.resetSent) return;
    this.resetSent = true;
    this.transport.sendFrame(encodeReset(this.id, code, reason));
  }

  private closeIfDone(): void {
    if (this.localEnded && this.remoteEnded) this.notifyClosed();
  }

  private notifyClosed(): void {
    if (this.closedNotified) return;
    this.closedNotified = true;
    this.transport.streamClosed(this);
  }
}

const EMPTY = Buffer.alloc(0);
