import { decodeFrame, encodeData, FrameFlag, FrameType, ProtocolError, ResetCode } from '../protocol/index.js';
import type { Frame } from '../protocol/index.js';
import { StreamResetError } from './stream-errors.js';
import { TunnelStream } from './tunnel-stream.js';
import type { BodySink, StreamTransport } from './tunnel-stream.js';

// TunnelStream against a fake transport: exactly which frames it sends, and when.

const KIB = 1024;

class FakeTransport implements StreamTransport {
  readonly frames: Frame[] = [];
  writable = true;
  resumes: Array<() => void> = [];
  closed: TunnelStream[] = [];

  constructor(readonly maxFrameBytes = 16 * KIB) {}

  sendFrame(frame: Buffer): void {
    this.frames.push(decodeFrame(Buffer.from(frame)));
  }
  sendData(streamId: number, payload: Buffer, end: boolean): void {
    this.sendFrame(encodeData(streamId, payload, end));
  }
  isWritable(): boolean {
    return this.writable;
  }
  whenWritable(resume: () => void): void {
    this.resumes.push(resume);
  }
  streamClosed(stream: TunnelStream): void {
    this.closed.push(stream);
  }

  /** Sent frames as short strings, e.g. `DATA 16384` or `WINDOW_UPDATE 16384`. */
  summary(): string[] {
    return this.frames.map((f) => {
      switch (f.type) {
        case FrameType.Data:
          return `DATA ${f.payload.length}${f.flags & FrameFlag.EndStream ? ' END' : ''}`;
        case FrameType.WindowUpdate:
          return `WINDOW_UPDATE ${f.increment}`;
        case FrameType.Reset:
          return `RESET ${ResetCode[f.code] ?? f.code}`;
        default:
          return `type ${f.type}`;
      }
    });
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function make(window = 64 * KIB, maxFrame = 16 * KIB): { t: FakeTransport; s: TunnelStream } {
  const t = new FakeTransport(maxFrame);
  const s = new TunnelStream(1, t, window);
  s.on('error', () => undefined);
  return { t, s };
}

function thrownCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
  return undefined;
}

describe('TunnelStream, sending', () => {
  it('does not ask a writer to wait for a 64 KiB chunk the window takes at once', async () => {
    const { t, s } = make(256 * KIB, 64 * KIB);
    expect(s.write(Buffer.alloc(64 * KIB))).toBe(true);
    expect(s.write(Buffer.alloc(64 * KIB))).toBe(true);
    await tick();
    expect(t.summary()).toEqual(['DATA 65536', 'DATA 65536']);
  });

  it('asks the writer to wait once the closed window leaves writes buffered', async () => {
    const { s } = make(64 * KIB, 64 * KIB);
    expect(s.write(Buffer.alloc(64 * KIB))).toBe(true); // sent: the window is now empty
    expect(s.write(Buffer.alloc(64 * KIB))).toBe(true); // held, under the high-water mark
    expect(s.write(Buffer.alloc(64 * KIB))).toBe(false);
    let drained = false;
    s.once('drain', () => (drained = true));
    s.receiveWindowUpdate(128 * KIB);
    await tick();
    expect(drained).toBe(true);
  });

  it('splits a write into maxFrameBytes frames and stops at the window', async () => {
    const { t, s } = make(64 * KIB, 16 * KIB);
    let done = false;
    s.write(Buffer.alloc(100 * KIB), () => (done = true));
    await tick();
    expect(t.summary()).toEqual(['DATA 16384', 'DATA 16384', 'DATA 16384', 'DATA 16384']);
    expect(done).toBe(false);

    s.receiveWindowUpdate(10 * KIB);
    expect(t.summary().slice(4)).toEqual(['DATA 10240']);
    s.receiveWindowUpdate(64 * KIB);
    await tick();
    expect(t.summary().slice(5)).toEqual(['DATA 16384', 'DATA 10240']);
    expect(done).toBe(true);
  });

  it('ends with an empty DATA frame carrying END_STREAM', async () => {
    const { t, s } = make();
    s.end('abc');
    await tick();
    expect(t.summary()).toEqual(['DATA 3', 'DATA 0 END']);
    expect(s.localEnded).toBe(true);
  });

  it('sends no DATA at all when the head carried END_STREAM', async () => {
    const { t, s } = make();
    s.endedWithHead();
    await tick();
    expect(t.summary()).toEqual([]);
    expect(s.localEnded).toBe(true);
  });

  it('waits while the connection is not writable and resumes when told', async () => {
    const { t, s } = make();
    t.writable = false;
    s.write(Buffer.alloc(KIB));
    await tick();
    expect(t.summary()).toEqual([]);
    expect(t.resumes).toHaveLength(1);
    t.writable = true;
    t.resumes.shift()!();
    expect(t.summary()).toEqual(['DATA 1024']);
  });

  it('sendNow ends the direction with the last chunk: one DATA frame carrying END_STREAM', () => {
    const { t, s } = make();
    expect(s.sendNow(Buffer.alloc(KIB), false)).toBe(true);
    expect(s.sendNow(Buffer.alloc(KIB), true)).toBe(true);
    expect(t.summary()).toEqual(['DATA 1024', 'DATA 1024 END']);
    expect(s.localEnded).toBe(true);
    s.receiveEnd();
    expect(t.closed).toEqual([s]);
  });

  it.each<[string, number, (t: FakeTransport, s: TunnelStream) => void]>([
    ['beyond the window', 65 * KIB, () => undefined],
    ['larger than a frame', 16 * KIB + 1, () => undefined],
    ['while the connection is above its high-water mark', KIB, (t) => (t.writable = false)],
    ['while an earlier write waits for credit', KIB, (_t, s) => void s.write(Buffer.alloc(65 * KIB))],
  ])('sendNow sends nothing %s', (_name, size, arrange) => {
    const { t, s } = make();
    arrange(t, s);
    const before = t.frames.length;
    expect(s.sendNow(Buffer.alloc(size), true)).toBe(false);
    expect(t.frames.length).toBe(before);
    expect(s.localEnded).toBe(false);
  });

  it('sendNow leaves a chunk larger than a frame to the writable side, which splits it', async () => {
    const { t, s } = make();
    expect(s.sendNow(Buffer.alloc(16 * KIB + 1), true)).toBe(false);
    s.end(Buffer.alloc(16 * KIB + 1));
    await tick();
    expect(t.summary()).toEqual(['DATA 16384', 'DATA 1', 'DATA 0 END']);
  });

  it('fails a write after sendNow ended the direction, as a write after end(): no DATA after END_STREAM', async () => {
    const { t, s } = make();
    s.sendNow(Buffer.from('abc'), true);
    const failed = new Promise<Error | null | undefined>((resolve) => s.write(Buffer.from('d'), resolve));
    expect(await failed).toBeInstanceOf(Error);
    await tick();
    expect(t.summary().filter((f) => f.startsWith('DATA'))).toEqual(['DATA 3 END']);
  });

  it('rejects credit that takes the window above 2^31-1 with flow_control', () => {
    const { s } = make(64 * KIB);
    expect(thrownCode(() => s.receiveWindowUpdate(0x7fffffff - 64 * KIB))).toBeUndefined();
    expect(thrownCode(() => s.receiveWindowUpdate(1))).toBe('flow_control');
  });
});

describe('TunnelStream, receiving', () => {
  it('returns credit in half-window batches as a flowing consumer takes bytes', async () => {
    const { t, s } = make(64 * KIB);
    const got: number[] = [];
    s.on('data', (chunk: Buffer) => got.push(chunk.length));
    await tick();
    s.receiveData(Buffer.alloc(16 * KIB), false);
    s.receiveData(Buffer.alloc(8 * KIB), false);
    await tick();
    expect(t.summary()).toEqual([]);
    s.receiveData(Buffer.alloc(8 * KIB), false);
    await tick();
    expect(t.summary()).toEqual(['WINDOW_UPDATE 32768']);
    expect(got.reduce((a, b) => a + b, 0)).toBe(32 * KIB);
  });

  it('returns no credit once a body of known length has all arrived, and keeps the window', async () => {
    // Credit goes back in half-window batches: 32 KiB of a 64 KiB window.
    const { t, s } = make(64 * KIB);
    s.remoteBodyLength = 64 * KIB;
    s.on('data', () => undefined);
    await tick();
    s.receiveData(Buffer.alloc(32 * KIB), false);
    await tick();
    expect(t.summary()).toEqual(['WINDOW_UPDATE 32768']);
    // The last bytes: only END or TRAILERS may follow, which need no window.
    s.receiveData(Buffer.alloc(32 * KIB), false);
    await tick();
    expect(t.summary()).toEqual(['WINDOW_UPDATE 32768']);
    // A peer that sends past its length still finds only the window it was given.
    expect(thrownCode(() => s.receiveData(Buffer.alloc(32 * KIB + 1), false))).toBe('flow_control');
    expect(thrownCode(() => s.receiveData(Buffer.alloc(0), true))).toBeUndefined();
  });

  it('returns no credit while paused, then credit for what is read', async () => {
    const { t, s } = make(64 * KIB);
    s.pause();
    for (let i = 0; i < 4; i++) s.receiveData(Buffer.alloc(16 * KIB), false);
    await tick();
    expect(t.summary()).toEqual([]);
    expect(thrownCode(() => s.receiveData(Buffer.alloc(1), false))).toBe('flow_control');

    s.read(36 * KIB);
    expect(t.summary()).toEqual(['WINDOW_UPDATE 36864']);
    // The credit makes room for exactly that many more bytes.
    expect(thrownCode(() => s.receiveData(Buffer.alloc(36 * KIB), false))).toBeUndefined();
    expect(thrownCode(() => s.receiveData(Buffer.alloc(1), false))).toBe('flow_control');
  });

  it('counts only DATA payload against the window; an empty END frame always fits', () => {
    const { s } = make(4);
    s.pause();
    s.receiveData(Buffer.alloc(4), false);
    expect(thrownCode(() => s.receiveData(Buffer.alloc(0), true))).toBeUndefined();
    expect(s.remoteEnded).toBe(true);
    expect(s.bytesReceived).toBe(4);
  });

  it('rejects DATA after END_STREAM with stream_state', () => {
    const { s } = make();
    s.receiveData(Buffer.from('x'), true);
    expect(thrownCode(() => s.receiveData(Buffer.from('y'), false))).toBe('stream_state');
  });

  it('tells the connection once when both directions have ended', async () => {
    const { t, s } = make();
    s.receiveEnd();
    expect(s.phase).toBe('half-closed-remote');
    expect(t.closed).toEqual([]);
    s.end();
    await tick();
    expect(s.phase).toBe('closed');
    expect(t.closed).toEqual([s]);
    s.resume();
    await tick();
    expect(t.closed).toEqual([s]);
    expect(t.summary()).toEqual(['DATA 0 END']);
  });
});

describe('TunnelStream, delivering to a sink', () => {
  /** A sink that records what it took and answers `room` for each payload. */
  class RecordingSink implements BodySink {
    readonly chunks: number[] = [];
    ended = 0;
    constructor(private readonly room = (): boolean => true) {}
    data(chunk: Buffer): boolean {
      this.chunks.push(chunk.length);
      return this.room();
    }
    end(): void {
      this.ended++;
    }
  }
  const sinkOf = (room?: () => boolean): RecordingSink => new RecordingSink(room);

  /** A stream (64 KiB window) delivering to a recording sink; `sawEnd` tells whether it emitted 'end'. */
  function sinking(room?: () => boolean): { t: FakeTransport; s: TunnelStream; got: RecordingSink; sawEnd: () => boolean } {
    const { t, s } = make(64 * KIB);
    const got = sinkOf(room);
    let ended = false;
    s.on('end', () => (ended = true));
    s.deliverBody(got);
    return { t, s, got, sawEnd: () => ended };
  }

  it('hands each payload to the sink as it arrives, with credit for what it took', async () => {
    const { t, s, got } = sinking();
    // Nothing reaches the readable side: a listener added later sees no data.
    let events = 0;
    s.on('data', () => events++);
    s.receiveData(Buffer.alloc(16 * KIB), false);
    expect(got.chunks).toEqual([16 * KIB]);
    s.receiveData(Buffer.alloc(16 * KIB), false);
    await tick();
    expect(t.summary()).toEqual(['WINDOW_UPDATE 32768']);
    expect(s.readableLength).toBe(0);
    expect(events).toBe(0);
  });

  it('holds credit while the sink is full and returns it when the sink drains', async () => {
    let room = false;
    const { t, s, got } = sinking(() => room);
    for (let i = 0; i < 4; i++) s.receiveData(Buffer.alloc(16 * KIB), false);
    await tick();
    // The sink took every payload the window allowed, but none of it was credited back.
    expect(got.chunks).toEqual([16 * KIB, 16 * KIB, 16 * KIB, 16 * KIB]);
    expect(t.summary()).toEqual([]);
    expect(thrownCode(() => s.receiveData(Buffer.alloc(1), false))).toBe('flow_control');
    room = true;
    s.sinkDrained();
    expect(t.summary()).toEqual(['WINDOW_UPDATE 65536']);
    expect(thrownCode(() => s.receiveData(Buffer.alloc(64 * KIB), false))).toBeUndefined();
  });

  it('closes a stream whose own direction is done once the sink has the end, with no end event', async () => {
    const { t, s, got, sawEnd } = sinking();
    s.end();
    await tick();
    s.receiveData(Buffer.from('abc'), true);
    await tick();
    expect(got.chunks).toEqual([3]);
    expect(got.ended).toBe(1);
    expect(s.phase).toBe('closed');
    expect(s.destroyed).toBe(true);
    expect(t.closed).toEqual([s]);
    expect(sawEnd()).toBe(false);
    expect(t.summary()).toEqual(['DATA 0 END']);
  });

  it('ends the readable side of a stream still sending, which closes when it is done', async () => {
    const { t, s, got, sawEnd } = sinking();
    s.receiveData(Buffer.alloc(0), true);
    await tick();
    expect(got.ended).toBe(1);
    expect(sawEnd()).toBe(true);
    expect(t.closed).toEqual([]);
    s.end(Buffer.from('late'));
    await tick();
    expect(s.phase).toBe('closed');
    expect(t.closed).toEqual([s]);
  });

  it('gives no end to a sink whose stream was reset meanwhile', () => {
    const { s } = make();
    const got = sinkOf(() => {
      s.destroy();
      return true;
    });
    s.deliverBody(got);
    s.receiveData(Buffer.from('x'), true);
    expect(got.chunks).toEqual([1]);
    expect(got.ended).toBe(0);
  });

  it('refuses a sink once the body is being read otherwise, or a second one', () => {
    const flowing = make().s;
    flowing.on('data', () => undefined);
    expect(() => flowing.deliverBody(sinkOf())).toThrow('already being read');
    const started = make().s;
    started.pause();
    started.receiveData(Buffer.from('x'), false);
    expect(() => started.deliverBody(sinkOf())).toThrow('already being read');
    const twice = make().s;
    twice.deliverBody(sinkOf());
    expect(() => twice.deliverBody(sinkOf())).toThrow('already being read');
  });
});

describe('TunnelStream, reset', () => {
  it('reset() sends one RESET and fails the stream with origin "local"', async () => {
    const t = new FakeTransport();
    const s = new TunnelStream(1, t, 64 * KIB);
    const errors: StreamResetError[] = [];
    s.on('error', (e) => errors.push(e as StreamResetError));
    s.reset(ResetCode.Timeout, 'too slow');
    s.reset(ResetCode.Cancel, 'again');
    await tick();
    expect(t.summary()).toEqual(['RESET Timeout']);
    expect(errors.map((e) => [e.resetCode, e.reason, e.origin])).toEqual([[ResetCode.Timeout, 'too slow', 'local']]);
    expect(t.closed).toEqual([s]);
  });

  it('never answers a RESET with a RESET', async () => {
    const { t, s } = make();
    const failed = new Promise<StreamResetError>((resolve) => s.once('error', (e) => resolve(e as StreamResetError)));
    s.receiveReset(ResetCode.UpstreamError, 'gone');
    expect((await failed).origin).toBe('peer');
    expect(t.summary()).toEqual([]);
  });

  it('sends nothing when the connection is lost', async () => {
    const { t, s } = make();
    const failed = new Promise<StreamResetError>((resolve) => s.once('error', (e) => resolve(e as StreamResetError)));
    s.connectionLost('gone');
    expect((await failed).origin).toBe('connection');
    expect(t.summary()).toEqual([]);
  });

  it.each<[string, Error | undefined, string]>([
    ['destroy() without an error', undefined, 'RESET Cancel'],
    ['destroy(error)', new Error('bug'), 'RESET Internal'],
    ['destroy(error with resetCode)', Object.assign(new Error('too big'), { resetCode: ResetCode.TooLarge }), 'RESET TooLarge'],
  ])('%s sends %s', async (_name, err, expected) => {
    const { t, s } = make();
    s.destroy(err);
    await tick();
    expect(t.summary()).toEqual([expected]);
  });

  it('sends no RESET when a stream is destroyed after both directions ended', async () => {
    const { t, s } = make();
    s.receiveEnd();
    s.end();
    await tick();
    s.destroy();
    await tick();
    expect(t.summary()).toEqual(['DATA 0 END']);
  });

  it('a reset keeps the ends seen before it, and is sent even after both ends', async () => {
    const { t, s } = make();
    s.receiveData(Buffer.from('x'), true); // unread: the stream is not destroyed on its own
    s.end();
    await tick();
    expect(s.phase).toBe('closed');
    s.reset(ResetCode.Cancel, 'late');
    expect(s.phase).toBe('reset');
    expect([s.localEnded, s.remoteEnded]).toEqual([true, true]);
    expect(t.summary()).toEqual(['DATA 0 END', 'RESET Cancel']);
    expect(t.closed).toEqual([s]);
  });

  it('fails a write that is waiting for credit when the stream is reset', async () => {
    const { s } = make(4);
    const result = new Promise<Error | null | undefined>((resolve) => s.write(Buffer.alloc(10), resolve));
    await tick();
    s.receiveReset(ResetCode.Cancel, 'client left');
    expect(await result).toBeInstanceOf(StreamResetError);
  });
});
