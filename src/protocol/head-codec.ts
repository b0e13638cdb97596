import { MAX_HEAD_FIELDS, MAX_HEAD_STRING_BYTES } from './constants.js';
import { ProtocolError } from './errors.js';
import type { HeaderField, RequestHead, ResponseHead } from './frame.js';

// A head block is a run of "str16" values (u16 big-endian length, then that many latin1 bytes)
// and one u16 field count. latin1 maps bytes 0x00–0xFF to code points one-to-one, so header
// bytes cross the tunnel unchanged whatever they contain.

function fieldsBytes(headers: readonly HeaderField[]): number {
  let n = 2;
  for (const [name, value] of headers) n += 4 + name.length + value.length;
  return n;
}

function writeStr(buf: Buffer, offset: number, s: string): number {
  if (s.length > MAX_HEAD_STRING_BYTES) {
    throw new ProtocolError('head_too_large', `head string of ${s.length} bytes exceeds 65535`);
  }
  buf.writeUInt16BE(s.length, offset);
  buf.write(s, offset + 2, s.length, 'latin1');
  return offset + 2 + s.length;
}

function writeFields(buf: Buffer, offset: number, headers: readonly HeaderField[]): number {
  if (headers.length > MAX_HEAD_FIELDS) {
    throw new ProtocolError('head_too_large', `${headers.length} header fields exceed 65535`);
  }
  buf.writeUInt16BE(headers.length, offset);
  let at = offset + 2;
  for (const [name, value] of headers) {
    at = writeStr(buf, at, name);
    at = writeStr(buf, at, value);
  }
  return at;
}

/** Encodes a request head after `prefix` bytes of room (for the frame header). */
export function encodeRequestHead(head: RequestHead, prefix: number): Buffer {
  const size = 4 + head.method.length + head.target.length + fieldsBytes(head.headers);
  const buf = Buffer.allocUnsafe(prefix + size);
  let at = writeStr(buf, prefix, head.method);
  at = writeStr(buf, at, head.target);
  writeFields(buf, at, head.headers);
  return buf;
}

/** Encodes a response head after `prefix` bytes of room (for the frame header). */
export function encodeResponseHead(head: ResponseHead, prefix: number): Buffer {
  const size = 2 + 2 + head.reason.length + fieldsBytes(head.headers);
  const buf = Buffer.allocUnsafe(prefix + size);
  buf.writeUInt16BE(head.status, prefix);
  const at = writeStr(buf, prefix + 2, head.reason);
  writeFields(buf, at, head.headers);
  return buf;
}

/** Encodes a trailer block (one `fields`) after `prefix` bytes of room (for the frame header). */
export function encodeTrailerBlock(fields: readonly HeaderField[], prefix: number): Buffer {
  const buf = Buffer.allocUnsafe(prefix + fieldsBytes(fields));
  writeFields(buf, prefix, fields);
  return buf;
}

/** Reads a head block, failing on truncation or trailing bytes. */
class HeadReader {
  private at = 0;

  constructor(private readonly buf: Buffer) {}

  u16(): number {
    if (this.at + 2 > this.buf.length) throw truncated();
    const v = this.buf.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }

  str(): string {
    const len = this.u16();
    if (this.at + len > this.buf.length) throw truncated();
    const s = this.buf.toString('latin1', this.at, this.at + len);
    this.at += len;
    return s;
  }

  fields(): HeaderField[] {
    const count = this.u16();
    const out: HeaderField[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = [this.str(), this.str()];
    return out;
  }

  done(): void {
    if (this.at !== this.buf.length) {
      throw new ProtocolError('head_trailing_bytes', `${this.buf.length - this.at} bytes after head`);
    }
  }
}

function truncated(): ProtocolError {
  return new ProtocolError('head_truncated', 'head block ends before its declared contents');
}

export function decodeRequestHead(payload: Buffer): RequestHead {
  const r = new HeadReader(payload);
  const head = { method: r.str(), target: r.str(), headers: r.fields() };
  r.done();
  return head;
}

export function decodeResponseHead(payload: Buffer): ResponseHead {
  const r = new HeadReader(payload);
  const head = { status: r.u16(), reason: r.str(), headers: r.fields() };
  r.done();
  if (head.status < 100 || head.status > 999) {
    throw new ProtocolError('frame_bad_payload', `status ${head.status} is not a 3-digit code`);
  }
  return head;
}

export function decodeTrailerBlock(payload: Buffer): HeaderField[] {
  const r = new HeadReader(payload);
  const fields = r.fields();
  r.done();
  return fields;
}
