// The floor tunnel's wire format (bench/floor.ts): the least two Node processes can exchange to
// carry HTTP over one WebSocket. Not HARP's protocol: no flow control, no validation, no limits,
// no errors beyond "the stream failed". Each message is one WebSocket binary message:
//
//   byte 0     kind (below)
//   bytes 1–4  stream id, u32 big-endian
//   the rest   REQUEST / RESPONSE: a JSON array; DATA: body bytes; END: nothing;
//              WHOLE: u32 length of a RESPONSE's JSON, the JSON, then the whole body
//
// A DATA message is sent as two fragments (the 5-byte prefix, then the body chunk as it is), so
// that the sender copies nothing; the receiver reads fragments (`binaryType: 'fragments'`).

export const REQUEST = 1; // [method, target, rawHeaders (name, value, …), hasBody]
export const RESPONSE = 2; // [status, rawHeaders]
export const DATA = 3;
export const END = 4;
export const WHOLE = 5; // a response of one message: head, body and end together
export const FAILED = 6;

export function prefix(kind: number, id: number, extra = 0): Buffer {
  const b = Buffer.allocUnsafe(5 + extra);
  b[0] = kind;
  b.writeUInt32BE(id, 1);
  return b;
}

export function jsonMessage(kind: number, id: number, value: unknown): Buffer {
  const json = JSON.stringify(value);
  const b = prefix(kind, id, Buffer.byteLength(json));
  b.write(json, 5, 'utf8');
  return b;
}

export function wholeMessage(id: number, head: unknown, body: Buffer): Buffer {
  const json = JSON.stringify(head);
  const jsonBytes = Buffer.byteLength(json);
  const b = prefix(WHOLE, id, 4 + jsonBytes + body.length);
  b.writeUInt32BE(jsonBytes, 5);
  b.write(json, 9, 'utf8');
  body.copy(b, 9 + jsonBytes);
  return b;
}

/** A received message: its kind, id and payload (DATA: the body chunks as they came). */
export interface Message {
  kind: number;
  id: number;
  chunks: Buffer[];
}

export function readMessage(data: Buffer | Buffer[]): Message {
  const fragments = Array.isArray(data) ? data : [data];
  const first = fragments[0]!;
  const kind = first[0]!;
  const id = first.readUInt32BE(1);
  const chunks = first.length > 5 ? [first.subarray(5), ...fragments.slice(1)] : fragments.slice(1);
  return { kind, id, chunks };
}

export function jsonOf(chunks: Buffer[]): unknown {
  return JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8'));
}

/** The part of a `ws` WebSocket a sender uses; its socket is `ws`'s own (`_socket`). */
interface Tunnel {
  send(data: Buffer, options: { binary: true; fin?: boolean }): void;
}

/**
 * Sends messages on one WebSocket, each tick's in one socket write (the socket is corked until
 * the tick ends); a message with `more` goes as two fragments, so that `more` is not copied.
 */
export class TickCorkedSender {
  private corked = false;
  private readonly socket: { cork(): void; uncork(): void };
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(private readonly ws: Tunnel) {
    this.socket = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
  }

  send(message: Buffer, more?: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    if (!more) return this.ws.send(message, { binary: true });
    this.ws.send(message, { binary: true, fin: false });
    this.ws.send(more, { binary: true, fin: true });
  }
}
