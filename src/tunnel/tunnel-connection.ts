import { EventEmitter } from 'node:events';
import { StreamTable } from './stream-table.js';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import {
  CloseCode,
  decodeFragments,
  decodeFrame,
  encodeControl,
  encodeData,
  encodeDataHeader,
  FRAME_HEADER_BYTES,
  encodeRequestHeadFrame,
  encodeReset,
  encodeResponseHeadFrame,
  FrameFlag,
  FrameType,
  isInterimStatus,
  ProtocolError,
  ResetCode,
} from '../protocol/index.js';
import type {
  AgentControl,
  Frame,
  HeaderField,
  ProxyControl,
  RequestHead,
  ResponseHead,
  SharedControl,
  TunnelFeature,
} from '../protocol/index.js';
import { TunnelStream } from './tunnel-stream.js';
import type { StreamTransport } from './tunnel-stream.js';

/** Limits both ends of one connection agree on (announced by the proxy in `welcome`). */
export interface TunnelLimits {
  windowBytes: number;
  maxFrameBytes: number;
  maxStreams: number;
}

/** Which end this is: the proxy opens streams, the agent answers them. */
export type TunnelRole = 'proxy' | 'agent';

/**
 * The control messages the `role` side may send: its direction of docs/protocol.md §7, typed by
 * the schemas the peer parses them with. A side whose role is not known statically may send
 * only what both may (`drain`, `error`).
 */
export type OutgoingControl<R extends TunnelRole> = [R] extends ['proxy']
  ? ProxyControl
  : [R] extends ['agent']
    ? AgentControl
    : SharedControl;

// Above this many bytes handed to the socket but not yet flushed, streams stop sending DATA
// until it drains: the WebSocket's own buffer is part of the memory bound.
const HIGH_WATER_BYTES = 1024 * 1024;

// Below this a DATA payload is copied behind its header into one WebSocket frame; above it, the
// copy costs more than a second WebSocket frame header.
const FRAGMENT_ABOVE_BYTES = 16 * 1024;

// Frames up to this size may be held to the end of the event-loop turn while the connection is
// busy (heads, small bodies, credit); larger ones leave at the end of their tick.
const TURN_BATCH_FRAME_BYTES = 16 * 1024;

interface TunnelEvents {
  control: [message: unknown];
  stream: [stream: TunnelStream, head: RequestHead];
  protocolError: [error: ProtocolError];
  close: [];
}

/**
 * The stream multiplexer over one WebSocket: decodes frames, routes them to their streams,
 * enforces stream-state and flow-control rules, and turns every violation into one protocol
 * error that closes this connection only.
 */
export class TunnelConnection<R extends TunnelRole = TunnelRole>
  extends EventEmitter<TunnelEvents>
  implements StreamTransport
{
  readonly streams = new StreamTable<TunnelStream>();
  private nextStreamId = 1;
  private highestPeerStream = 0;
  private unflushed = 0;
  private waiting: Array<() => void> = [];
  /** Set when this side decided to close: from then on nothing received is acted on. */
  private closing = false;
  private closed = false;
  /** Whether frames are being held for one write, and until when. */
  private corked: false | 'tick' | 'turn' = false;
  private rawSocket: Socket | undefined;
  /**
   * The optional features this connection negotiated (docs/protocol.md §3.5), set once by its
   * owner at the handshake. Without `trailers` a TRAILERS frame is a reserved type, as it is
   * for a peer that predates it; without `interim` a 1xx head is the final head, as before.
   */
  features: ReadonlySet<TunnelFeature> = new Set();

  constructor(
    private readonly socket: WebSocket,
    readonly role: R,
    public limits: TunnelLimits,
  ) {
    super();
    // A large DATA frame arrives as two fragments, header and payload (§2): kept apart, the
    // payload reaches its stream as received instead of being copied into a joined message.
    socket.binaryType = 'fragments';
    socket.on('message', (data, isBinary) => this.onMessage(data as Buffer[] | Buffer, isBinary));
    socket.on('close', () => this.onClose());
  }

  get maxFrameBytes(): number {
    return this.limits.maxFrameBytes;
  }

  /** True from the moment either side started closing: no new stream may be opened. */
  get isClosed(): boolean {
    return this.closed || this.closing;
  }

  /** Proxy side: opens a stream by sending the request head. */
  openStream(head: RequestHead, endStream: boolean): TunnelStream {
    const id = this.nextStreamId;
    this.nextStreamId += 2; // proxy-opened ids are odd; even ids stay free for the agent
    const stream = new TunnelStream(id, this, this.limits.windowBytes);
    if (this.isClosed) {
      // Nothing will ever answer it; it fails (asynchronously, once the caller listens) at once.
      stream.connectionLost('connection closed');
      return stream;
    }
    this.streams.set(id, stream);
    this.sendFrame(encodeRequestHeadFrame(id, head, endStream));
    if (endStream) stream.endedWithHead();
    return stream;
  }

  /** Agent side: sends the response head of a stream. */
  sendResponseHead(stream: TunnelStream, head: ResponseHead, endStream: boolean): void {
    this.sendFrame(encodeResponseHeadFrame(stream.id, head, endStream));
    if (endStream) stream.endedWithHead();
  }

  /**
   * Agent side: sends an interim (1xx) response head before the final one (§5.4), if the
   * connection negotiated `interim`; returns whether it was sent.
   */
  sendInterimHead(stream: TunnelStream, head: ResponseHead): boolean {
    if (!this.features.has('interim') || !isInterimStatus(head.status) || stream.destroyed) return false;
    this.sendFrame(encodeResponseHeadFrame(stream.id, head, false));
    return true;
  }

  /** Sends a control message; only those of this side's direction compile. */
  sendControl(message: OutgoingControl<R>): void {
    this.sendFrame(encodeControl(message));
  }

  /** Tells the peer why and closes the WebSocket. */
  fail(error: ProtocolError): void {
    if (this.isClosed) return;
    // `error` is valid from either side, but TypeScript cannot narrow OutgoingControl<R> here.
    const told: SharedControl = { type: 'error', code: error.code, message: error.message };
    this.sendFrame(encodeControl(told));
    this.emit('protocolError', error);
    this.close(CloseCode.ProtocolError, error.code);
  }

  /**
   * Starts the close handshake and ends every open stream now. A peer that broke the protocol,
   * or that is being dropped, may keep sending or never answer the close: neither may hold a
   * public request open or get another frame of its acted on.
   */
  close(code: number, reason: string): void {
    if (this.isClosed) return;
    this.closing = true;
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason.slice(0, 120));
    }
    this.endStreams(`connection closed (${code} ${reason})`);
    // A peer that never answers the close handshake must not keep the socket either.
    const timer = setTimeout(() => this.socket.terminate(), 2000);
    timer.unref();
  }

  // ----- StreamTransport -----

  sendFrame(frame: Buffer): void {
    if (this.isClosed) return;
    this.unflushed += frame.length;
    this.corkFrames(frame.length <= TURN_BATCH_FRAME_BYTES);
    this.socket.send(frame, () => this.onFlushed(frame.length));
  }

  // Frames sent in one tick (a response head, its body and its end; the heads of the streams a
  // burst of I/O opened) leave in one write system call instead of one each. While more than one
  // stream is open, small frames wait for the end of the event-loop turn instead, so that the
  // frames of every request and response of the turn share that write: under load that halves
  // the writes per request, while a lone request's frames still leave at once (holding them to
  // the turn cost a lone request a quarter of its throughput). A large DATA payload never waits
  // past the tick: holding bulk bytes costs more than the write it saves.
  private corkFrames(small: boolean): void {
    const holdToTurn = small && this.streams.size > 1;
    if (this.corked) {
      if (!holdToTurn && this.corked === 'turn') this.scheduleFlush('tick');
      return;
    }
    const raw = (this.socket as unknown as { _socket?: Socket })._socket;
    if (!raw) return;
    this.rawSocket = raw;
    raw.cork();
    this.scheduleFlush(holdToTurn ? 'turn' : 'tick');
  }

  private scheduleFlush(until: 'tick' | 'turn'): void {
    this.corked = until;
    if (until === 'tick') process.nextTick(this.flushCorked);
    else setImmediate(this.flushCorked);
  }

  // One bound function for every scheduled flush: whichever runs first uncorks, the others find
  // nothing to do (an early flush of a later batch only sends it sooner).
  private readonly flushCorked = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.rawSocket?.uncork();
  };

  /**
   * Large payloads go as two fragments of one WebSocket message, header then payload, so the
   * payload is handed to the socket as it is instead of being copied behind a header; the
   * receiving `ws` joins fragments into one message. Small ones are cheaper copied.
   */
  sendData(streamId: number, payload: Buffer, end: boolean): void {
    if (payload.length < FRAGMENT_ABOVE_BYTES) return this.sendFrame(encodeData(streamId, payload, end));
    if (this.isClosed) return;
    const bytes = FRAME_HEADER_BYTES + payload.length;
    this.unflushed += bytes;
    this.corkFrames(false);
    this.socket.send(encodeDataHeader(streamId, end), { binary: true, fin: false });
    this.socket.send(payload, { binary: true, fin: true }, () => this.onFlushed(bytes));
  }

  isWritable(): boolean {
    return this.unflushed < HIGH_WATER_BYTES;
  }

  whenWritable(resume: () => void): void {
    this.waiting.push(resume);
  }

  streamClosed(stream: TunnelStream): void {
    if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
  }

  private onFlushed(bytes: number): void {
    this.unflushed -= bytes;
    if (this.unflushed >= HIGH_WATER_BYTES / 2 || this.waiting.length === 0) return;
    const resumes = this.waiting;
    this.waiting = [];
    for (const resume of resumes) resume();
  }

  // ----- incoming -----

  // Binary messages come as their fragments (binaryType 'fragments'); text ones as one Buffer.
  private onMessage(data: Buffer[] | Buffer, isBinary: boolean): void {
    if (this.isClosed) return;
    try {
      if (!isBinary) throw new ProtocolError('text_frame', 'text WebSocket messages are not allowed');
      this.dispatch(Array.isArray(data) ? decodeFragments(data) : decodeFrame(data));
    } catch (err) {
      if (err instanceof ProtocolError) this.fail(err);
      else throw err;
    }
  }

  private dispatch(frame: Frame): void {
    switch (frame.type) {
      case FrameType.Control:
        this.emit('control', frame.message);
        return;
      case FrameType.RequestHead:
        this.acceptStream(frame.streamId, frame.head, (frame.flags & FrameFlag.EndStream) !== 0);
        return;
      case FrameType.ResponseHead:
        this.acceptResponseHead(frame.streamId, frame.head, (frame.flags & FrameFlag.EndStream) !== 0);
        return;
      case FrameType.Trailers:
        this.acceptTrailers(frame.streamId, frame.fields);
        return;
      case FrameType.Data:
        this.acceptData(frame.streamId, frame.payload, (frame.flags & FrameFlag.EndStream) !== 0);
        return;
      case FrameType.WindowUpdate:
        this.lookup(frame.streamId)?.receiveWindowUpdate(frame.increment);
        return;
      case FrameType.Reset:
        this.lookup(frame.streamId)?.receiveReset(frame.code, frame.reason);
        return;
    }
  }

  /**
   * The live stream for an id; undefined for a stream that existed and is closed (frames may
   * cross a RESET in flight); a protocol error for an id that was never opened.
   */
  private lookup(id: number): TunnelStream | undefined {
    const stream = this.streams.get(id);
    if (stream) return stream;
    // Only the proxy opens streams, always with odd ids: an even id was never opened by anyone.
    const opened = id % 2 === 1 && (this.role === 'proxy' ? id < this.nextStreamId : id <= this.highestPeerStream);
    if (!opened) throw new ProtocolError('stream_unknown', `stream ${id} was never opened`);
    return undefined;
  }

  private acceptStream(id: number, head: RequestHead, endStream: boolean): void {
    if (this.role !== 'agent') throw new ProtocolError('stream_state', 'only the proxy opens streams');
    if (id % 2 !== 1 || id <= this.highestPeerStream) {
      throw new ProtocolError('stream_state', `stream id ${id} is not a new odd id`);
    }
    this.highestPeerStream = id;
    if (this.streams.size >= this.limits.maxStreams) {
      // Refused without ever becoming a stream: nobody listens to it, so it must not be one
      // that fails with an unhandled 'error'. Later frames for it are ignored as closed.
      this.sendFrame(encodeReset(id, ResetCode.Refused, 'too many concurrent streams'));
      return;
    }
    const stream = new TunnelStream(id, this, this.limits.windowBytes);
    this.streams.set(id, stream);
    if (endStream) stream.receiveEnd();
    this.emit('stream', stream, head);
  }

  private acceptResponseHead(id: number, head: ResponseHead, endStream: boolean): void {
    if (this.role !== 'proxy') throw new ProtocolError('stream_state', 'only agents send response heads');
    const stream = this.lookup(id);
    if (!stream) return;
    if (stream.responseHead) throw new ProtocolError('stream_state', `second response head on ${id}`);
    if (this.features.has('interim') && isInterimStatus(head.status)) {
      stream.emit('interim', head);
      return;
    }
    stream.responseHead = head;
    // Whether the head ended the stream too: some answers are whole without a body.
    stream.emit('head', head, endStream);
    if (endStream) stream.receiveEnd();
  }

  private acceptTrailers(id: number, fields: readonly HeaderField[]): void {
    // A peer that did not negotiate trailers cannot know the type: it is a reserved one (§3.2).
    if (!this.features.has('trailers')) throw new ProtocolError('frame_unknown_type', 'unknown frame type 0x5');
    const stream = this.lookup(id);
    if (!stream) return;
    if (this.role === 'proxy' && !stream.responseHead) {
      throw new ProtocolError('stream_state', `TRAILERS before the response head on ${id}`);
    }
    stream.receiveTrailers(fields);
  }

  private acceptData(id: number, payload: Buffer, endStream: boolean): void {
    if (payload.length > this.limits.maxFrameBytes) {
      throw new ProtocolError('frame_too_large', `DATA of ${payload.length} bytes on stream ${id}`);
    }
    const stream = this.lookup(id);
    if (!stream) return;
    if (this.role === 'proxy' && !stream.responseHead) {
      throw new ProtocolError('stream_state', `DATA before the response head on ${id}`);
    }
    stream.receiveData(payload, endStream);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.endStreams('agent connection closed');
    this.emit('close');
  }

  private endStreams(reason: string): void {
    for (const stream of [...this.streams.values()]) stream.connectionLost(reason);
    this.streams.clear();
    this.waiting = [];
  }
}
