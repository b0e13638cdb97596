import { connect } from 'node:tls';
import type { TLSSocket } from 'node:tls';

/** HTTP/2 frame types and codes the abuse tests write and read (RFC 9113 §6, §7). */
export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7 } as const;
export const CODE = { NO_ERROR: 0, PROTOCOL_ERROR: 1, CANCEL: 8, REFUSED_STREAM: 7, ENHANCE_YOUR_CALM: 11 } as const;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * A hand-written HTTP/2 client on a TLS connection (ALPN h2), for what a well-behaved client
 * library will not do: streams past the server's limit, resets right after HEADERS, floods of
 * SETTINGS or PING. It does not acknowledge the server's SETTINGS, so the server's limits are
 * still pending for it (RFC 9113 §6.5.3). Tests only.
 */
export class RawH2 {
  /** RST_STREAM codes the server sent, by stream id. */
  readonly resets = new Map<number, number>();
  /** Streams the server answered (a HEADERS frame). */
  readonly answered = new Set<number>();
  /** The error code of the server's GOAWAY, once one came. */
  goaway?: number;
  readonly closed: Promise<void>;
  private pending = Buffer.alloc(0);

  private constructor(private readonly socket: TLSSocket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawH2> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ALPNProtocols: ['h2'], rejectUnauthorized: false }, () => {
        socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0, Buffer.alloc(0))]));
        resolve(new RawH2(socket));
      });
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  write(...frames: Buffer[]): boolean {
    if (this.socket.destroyed) return false;
    return this.socket.write(Buffer.concat(frames));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 9) {
      const length = this.pending.readUIntBE(0, 3);
      if (this.pending.length < 9 + length) return;
      const type = this.pending[3]!;
      const stream = this.pending.readUInt32BE(5) & 0x7fffffff;
      const payload = this.pending.subarray(9, 9 + length);
      if (type === FRAME.RST_STREAM) this.resets.set(stream, payload.readUInt32BE(0));
      if (type === FRAME.HEADERS) this.answered.add(stream);
      if (type === FRAME.GOAWAY) this.goaway = payload.readUInt32BE(4);
      this.pending = this.pending.subarray(9 + length);
    }
  }
}

/** One frame. */
export function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}

/** A request's HEADERS frame: every field a literal without indexing (RFC 7541 §6.2.2). */
export function headersFrame(stream: number, fields: Array<[string, string]>, endStream = true): Buffer {
  const block = Buffer.concat(fields.flatMap(([name, value]) => [Buffer.from([0]), literal(name), literal(value)]));
  return frame(FRAME.HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block);
}

/** A GET for `path` on `authority`. */
export function getFrame(stream: number, authority: string, path = '/'): Buffer {
  return headersFrame(stream, [[':method', 'GET'], [':scheme', 'https'], [':authority', authority], [':path', path]]);
}

export function rstFrame(stream: number, code: number = CODE.CANCEL): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code);
  return frame(FRAME.RST_STREAM, 0, stream, payload);
}

export const settingsFrame = (): Buffer => frame(FRAME.SETTINGS, 0, 0, Buffer.alloc(0));
export const pingFrame = (): Buffer => frame(FRAME.PING, 0, 0, Buffer.alloc(8));

// A string literal, no Huffman coding, its length a 7-bit prefix integer (RFC 7541 §5.1, §5.2).
function literal(text: string): Buffer {
  const bytes = Buffer.from(text);
  const length: number[] = [];
  if (bytes.length < 127) length.push(bytes.length);
  else {
    length.push(127);
    let rest = bytes.length - 127;
    while (rest >= 128) {
      length.push((rest % 128) + 128);
      rest = Math.floor(rest / 128);
    }
    length.push(rest);
  }
  return Buffer.concat([Buffer.from(length), bytes]);
}
