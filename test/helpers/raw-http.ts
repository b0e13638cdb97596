import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { eventually } from './eventually.js';

/** A pause between two parts of a raw request (slow clients, pipelining after an answer). */
export interface Pause {
  readonly pauseMs: number;
}

/** What came back on one raw connection. */
export interface RawResult {
  /** Every byte the server sent. */
  readonly raw: Buffer;
  /** The responses in `raw`, parsed (see {@link parseResponses}). */
  readonly responses: ParsedResponse[];
  /** True if the server closed (or reset) the connection before the test stopped waiting. */
  readonly closed: boolean;
  /** Milliseconds from connecting to the close, or to giving up. */
  readonly ms: number;
}

export interface ParsedResponse {
  readonly status: number;
  /** Lowercased names; repeated fields joined with `, `. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** False if the connection ended before the body its head declared. */
  readonly complete: boolean;
}

export interface RawOptions {
  /** Stop waiting (and destroy the socket) after this long. @default 3000 */
  readonly waitMs?: number;
  /** Stop early once this many complete responses have arrived. */
  readonly responses?: number;
  /** Half-close our side after the last part. @default false */
  readonly endAfterWrite?: boolean;
}

/**
 * Writes `parts` (bytes, strings as latin1, and pauses) to a fresh TCP connection and collects
 * what comes back until the server closes the connection, enough responses arrived, or
 * `waitMs` passed. Sockets are always destroyed before this resolves.
 */
export function rawExchange(port: number, parts: ReadonlyArray<string | Buffer | Pause>, options: RawOptions = {}): Promise<RawResult> {
  const waitMs = options.waitMs ?? 3000;
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connect(port, '127.0.0.1');
    let closed = false;
    let settled = false;
    let pauseTimer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(pauseTimer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      resolve({ raw, responses: parseResponses(raw), closed, ms: Date.now() - started });
    };
    const deadline = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const wanted = options.responses;
      if (wanted !== undefined && parseResponses(Buffer.concat(chunks)).filter((r) => r.complete).length >= wanted) {
        finish();
      }
    });
    socket.on('error', () => undefined); // a reset is one way for the server to refuse
    socket.on('close', () => {
      closed = true;
      finish();
    });
    let index = 0;
    const next = (): void => {
      if (settled || socket.destroyed) return;
      if (index >= parts.length) {
        if (options.endAfterWrite) socket.end();
        return;
      }
      const part = parts[index++];
      if (typeof part === 'object' && !Buffer.isBuffer(part)) {
        pauseTimer = setTimeout(next, part.pauseMs);
        return;
      }
      socket.write(typeof part === 'string' ? Buffer.from(part, 'latin1') : part, () => next());
    };
    socket.on('connect', next);
  });
}

/**
 * Splits raw HTTP/1.1 response bytes into responses, reading bodies by Content-Length or
 * chunked framing (or to the end for neither). 1xx responses are included; a truncated last
 * response has `complete: false`.
 */
export function parseResponses(raw: Buffer): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let at = 0;
  while (at < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', at);
    if (headEnd === -1) {
      out.push({ status: statusOf(raw.subarray(at).toString('latin1')), headers: {}, body: Buffer.alloc(0), complete: false });
      break;
    }
    const lines = raw.subarray(at, headEnd).toString('latin1').split('\r\n');
    const status = statusOf(lines[0]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    at = headEnd + 4;
    if (status < 200 || status === 204 || status === 304) {
      out.push({ status, headers, body: Buffer.alloc(0), complete: true });
      continue;
    }
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = [];
      let complete = false;
      for (;;) {
        const sizeEnd = raw.indexOf('\r\n', at);
        if (sizeEnd === -1) break;
        const size = parseInt(raw.subarray(at, sizeEnd).toString('latin1'), 16);
        if (Number.isNaN(size) || sizeEnd + 2 + size + 2 > raw.length) break;
        at = sizeEnd + 2;
        if (size === 0) {
          // The trailer section: field lines, then an empty line (RFC 9112 §7.1.2).
          const trailerEnd = raw.subarray(at, at + 2).toString('latin1') === '\r\n' ? at : raw.indexOf('\r\n\r\n', at);
          at = trailerEnd === -1 ? raw.length : trailerEnd + (trailerEnd === at ? 2 : 4);
          complete = true;
          break;
        }
        parts.push(raw.subarray(at, at + size));
        at += size + 2;
      }
      out.push({ status, headers, body: Buffer.concat(parts), complete });
      if (!complete) break;
      continue;
    }
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      const body = raw.subarray(at, at + length);
      at += body.length;
      out.push({ status, headers, body, complete: body.length === length });
      continue;
    }
    out.push({ status, headers, body: raw.subarray(at), complete: true });
    break;
  }
  return out;
}

function statusOf(line: string): number {
  const match = /^HTTP\/\d\.\d (\d{3})/.exec(line);
  return match ? Number(match[1]) : 0;
}

/** A request head (and optional body) as one latin1 string, CRLF line ends. */
export function requestText(startLine: string, fields: ReadonlyArray<string>, body = ''): string {
  return `${startLine}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n${body}`;
}

/**
 * A raw connection driven step by step, for exchanges whose next bytes depend on what came
 * back (a body sent only after a `100 Continue`). Close it in `afterEach` (`h.defer`).
 */
export class RawConnection {
  private readonly chunks: Buffer[] = [];
  private ended = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    socket.on('error', () => undefined); // a reset is one way for the server to refuse
    socket.on('close', () => (this.ended = true));
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Every byte the server sent so far. */
  get raw(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** The responses so far, parsed (see {@link parseResponses}). */
  get responses(): ParsedResponse[] {
    return parseResponses(this.raw);
  }

  /** True once the server closed (or reset) the connection. */
  get closed(): boolean {
    return this.ended;
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Resolves once `check` holds for what arrived; rejects after `ms` naming `what`. */
  async until(check: (connection: RawConnection) => boolean, what: string, ms = 3000): Promise<void> {
    await eventually(() => check(this), ms, what).catch((err: Error) => {
      throw new Error(`${err.message}; the server sent ${JSON.stringify(this.raw.toString('latin1'))}`);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
