import { Duplex } from 'node:stream';
import {
  encodeReset,
  encodeTrailersFrame,
  encodeWindowUpdate,
  ProtocolError,
  ResetCode,
} from '../protocol/index.js';
import type { HeaderField, ResponseHead, TunnelFeature } from '../protocol/index.js';
import { resetCodeFor, StreamResetError } from './stream-errors.js';
import { isFinal, localEnded, nextPhase, remoteEnded } from './stream-phase.js';
import type { EndsPhase, StreamEvent, StreamPhase } from './stream-phase.js';

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
  /** The optional features the connection negotiated (docs/protocol.md §3.5); none if absent. */
  readonly features?: ReadonlySet<TunnelFeature>;
}

// Above the 64 KiB a socket read hands a writer (undici, a piped request), so that a write the
// window can take at once does not also tell the writer to wait for 'drain' (Node's default of
// 16 KiB did, for every chunk). While the window is closed it is what this side buffers.
const WRITABLE_HIGH_WATER_BYTES = 128 * 1024;

/**
 * Takes the peer's body straight from the connection, in place of the readable side's buffer
 * and its events (see {@link TunnelStream.deliverBody}).
 */
export interface BodySink {
  /**
   * One DATA payload. Returning false holds back the credit for it, and for whatever follows,
   * until {@link TunnelStream.sinkDrained}: the peer may still send what its window allows.
   */
  data(chunk: Buffer): boolean;
  /** The peer's direction ended; its {@link TunnelStream.trailers}, if any, are set. */
  end(): void;
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
 * Its {@link phase} follows the lifecycle of docs/protocol.md §5.2; only `move` changes it.
 */
export class TunnelStream extends Duplex {
  /** The peer's response head (proxy side), once received. */
  responseHead?: ResponseHead;
  /** DATA payload bytes received from the peer. */
  bytesReceived = 0;
  /**
   * The peer's trailer fields (docs/protocol.md §4.8), once its TRAILERS frame arrived: set
   * before the readable side ends, so an `'end'` listener finds them here.
   */
  trailers?: readonly HeaderField[];
  /**
   * How many body bytes the peer will send, when its head declared it (Content-Length). Once
   * they have all arrived no credit is returned: only END or TRAILERS may follow, and they
   * need no window, so a WINDOW_UPDATE would be a wasted frame each way. A peer that sends
   * more still finds only the window it was given.
   */
  remoteBodyLength?: number;
  /** Trailer fields this side ends its direction with, in place of the empty DATA frame. */
  private outgoingTrailers?: readonly HeaderField[];

  private current: StreamPhase = 'open';
  /**
   * The phase a reset stream was in when it was reset: a reset does not undo the ends seen
   * before it (an upgraded connection whose two halves closed cleanly stays complete if a late
   * socket error resets its stream).
   */
  private resetFrom?: EndsPhase;
  private sendWindow: number;
  private recvWindow: number;
  private credited = 0;
  private pending?: PendingWrite;
  private readonly creditThreshold: number;
  private sink?: BodySink;
  /** Set while the sink holds back credit (its last `data` returned false). */
  private sinkFull = false;

  constructor(
    readonly id: number,
    private readonly transport: StreamTransport,
    private readonly windowBytes: number,
  ) {
    super({
      allowHalfOpen: true,
      readableHighWaterMark: windowBytes,
      writableHighWaterMark: WRITABLE_HIGH_WATER_BYTES,
      decodeStrings: true,
    });
    this.sendWindow = windowBytes;
    this.recvWindow = windowBytes;
    this.creditThreshold = Math.max(1, Math.floor(windowBytes / 2));
  }

  /** Where the stream is in its lifecycle (docs/protocol.md §5.2). */
  get phase(): StreamPhase {
    return this.current;
  }

  /** This side's direction has ended with END_STREAM (on a head, or an empty DATA frame). */
  get localEnded(): boolean {
    return localEnded(this.ends);
  }

  /** The peer's direction has ended with END_STREAM. */
  get remoteEnded(): boolean {
    return remoteEnded(this.ends);
  }

  private get ends(): EndsPhase {
    return this.current === 'reset' ? this.resetFrom! : this.current;
  }

  // The one place the phase changes. The connection is told once, when the stream's life ends,
  // so that it forgets the id (§5.1) whichever way that happened.
  private move(event: StreamEvent): void {
    const from = this.current;
    if (from === 'reset') return;
    const to = nextPhase(from, event);
    if (to === from) return;
    this.current = to;
    if (to === 'reset') this.resetFrom = from;
    if (isFinal(to) && !isFinal(from)) this.transport.streamClosed(this);
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
    if (payload.length > 0) this.deliver(payload);
    if (end) this.receiveEnd();
    else this.creditConsumed();
  }

  /** Records that a head frame carried END_STREAM, and closes the writable side to match. */
  endedWithHead(): void {
    this.move('local-end');
    this.end();
  }

  /** The peer's TRAILERS: its direction ends with them (§5.2). */
  receiveTrailers(fields: readonly HeaderField[]): void {
    if (this.remoteEnded) throw new ProtocolError('stream_state', `TRAILERS after end on ${this.id}`);
    this.trailers = fields;
    this.emit('trailers', fields);
    this.receiveEnd();
  }

  /**
   * Ends this side's direction with `fields` as its trailers, once every written byte is sent;
   * without the connection's `trailers` feature, or with no fields, it ends as `end()` does and
   * the fields are dropped. Returns whether they will be sent.
   */
  endWithTrailers(fields: readonly HeaderField[]): boolean {
    if (this.destroyed || this.writableEnded) return false;
    const send = fields.length > 0 && this.transport.features?.has('trailers') === true && !this.localEnded;
    if (send) this.outgoingTrailers = fields;
    this.end();
    return send;
  }

  receiveEnd(): void {
    this.move('remote-end');
    const sink = this.sink;
    if (!sink) return void this.push(null);
    this.sink = undefined;
    if (this.destroyed) return;
    sink.end();
    if (this.destroyed) return;
    // Both directions done: nothing is left to read or write, so the stream goes now, without
    // the readable side's end and its ticks. Otherwise this direction ends as a read would.
    if (isFinal(this.current)) return void this.destroy();
    this.push(null);
    super.read(0);
  }

  /**
   * Hands the peer's body to `sink` as it arrives, without the readable side's buffer, flowing
   * mode and their per-chunk ticks: one call per DATA frame. Credit still follows consumption:
   * it is returned for what the sink took, and held while the sink is full. When the sink has
   * ended, a stream whose own direction is done too is destroyed ('close', no 'end'); one still
   * sending ends its readable side as usual. Only before any body arrived, and only once; a
   * stream that is read otherwise must not be given a sink.
   */
  deliverBody(sink: BodySink): void {
    if (this.sink || this.bytesReceived > 0 || this.remoteEnded || this.readableFlowing !== null) {
      throw new Error(`stream ${this.id} is already being read`);
    }
    this.sink = sink;
  }

  /** The sink has room again: the credit it held back is returned. */
  sinkDrained(): void {
    this.sinkFull = false;
    this.creditConsumed();
  }

  private deliver(payload: Buffer): void {
    if (!this.sink) return void this.push(payload);
    if (!this.sink.data(payload)) this.sinkFull = true;
  }

  receiveWindowUpdate(increment: number): void {
    this.sendWindow += increment;
    if (this.sendWindow > 0x7fff_ffff) {
      throw new ProtocolError('flow_control', `stream ${this.id} window above 2^31-1`);
    }
    this.pump();
  }

  receiveReset(code: ResetCode, reason: string): void {
    this.move('reset'); // the peer already forgot the stream: never answer a RESET with one
    this.destroy(new StreamResetError(code, reason, 'peer'));
  }

  /** The connection is gone: every stream on it ends with an error, nothing is sent. */
  connectionLost(reason: string): void {
    this.move('reset');
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
  // the peer as window, in batches of half a window to keep WINDOW_UPDATE frames rare (a quarter
  // sent one per 64 KiB DATA frame at the default window). The half still in flight keeps the
  // sender busy while the credit travels.
  private creditConsumed(): void {
    if (this.remoteEnded || this.destroyed || this.sinkFull) return;
    if (this.remoteBodyLength !== undefined && this.bytesReceived >= this.remoteBodyLength) return;
    const owed = this.bytesReceived - this.readableLength - this.credited;
    if (owed < this.creditThreshold) return;
    this.credited += owed;
    this.recvWindow += owed;
    this.transport.sendFrame(encodeWindowUpdate(this.id, owed));
  }

  // ----- writable side: DATA against credit -----

  /**
   * Sends `chunk` as one DATA frame now, with END_STREAM when `end`, without the writable side's
   * machinery: only when nothing written before it is still waiting, and the window, the frame
   * size and the connection take it whole. Returns false, having sent nothing, otherwise; the
   * caller then writes (and ends) as usual. The same rules hold either way: no byte beyond the
   * window, none while the connection is above its high-water mark. A direction ended this way
   * takes no more writes.
   */
  sendNow(chunk: Buffer, end: boolean): boolean {
    if (this.destroyed || this.writableLength > 0 || this.writableEnded || this.localEnded) return false;
    const n = chunk.length;
    if (n > this.sendWindow || n > this.transport.maxFrameBytes || !this.transport.isWritable()) return false;
    this.transport.sendData(this.id, chunk, end);
    this.sendWindow -= n;
    if (end) this.move('local-end');
    return true;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    // After sendNow ended this direction, a write would be DATA after END_STREAM.
    if (this.localEnded) return done(new Error(`stream ${this.id} already ended its direction`));
    this.pending = { chunk, offset: 0, done };
    this.pump();
  }

  override _final(done: (err?: Error | null) => void): void {
    // A head sent with END_STREAM already ended this direction; then there is nothing to send.
    if (this.current === 'open' || this.current === 'half-closed-remote') {
      const trailers = this.outgoingTrailers;
      if (trailers) this.transport.sendFrame(encodeTrailersFrame(this.id, trailers));
      else this.transport.sendData(this.id, EMPTY, true);
    }
    this.move('local-end');
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
    // Destroyed before both ends: the peer must learn the stream is gone (sendReset sends at most one).
    if (this.current !== 'closed') this.sendReset(resetCodeFor(err), err?.message ?? 'cancelled');
    const w = this.pending;
    this.pending = undefined;
    done(err);
    if (w) w.done(err ?? new StreamResetError(ResetCode.Cancel, 'stream closed', 'local'));
  }

  private sendReset(code: ResetCode, reason: string): void {
    if (this.current === 'reset') return;
    this.move('reset');
    this.transport.sendFrame(encodeReset(this.id, code, reason));
  }
}

const EMPTY = Buffer.alloc(0);
