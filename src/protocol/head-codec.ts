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

// Head strings are mostly a few dozen bytes, where a call into native code for each costs more
// than copying the bytes here. Both keep the low byte of each UTF-16 unit, as latin1 does.
const COPY_IN_JS_BELOW = 64;

/** Writes the two-byte length of a head string and returns where its bytes go. */
function writeLength(buf: Buffer, offset: number, n: number): number {
  if (n > MAX_HEAD_STRING_BYTES) {
    throw new ProtocolError('head_too_large', `head string of ${n} bytes exceeds 65535`);
  }
  buf[offset] = n >>> 8;
  buf[offset + 1] = n & 0xff;
  return offset + 2;
}

function writeStr(buf: Buffer, offset: number, s: string): number {
  const n = s.length;
  const at = writeLength(buf, offset, n);
  if (n < COPY_IN_JS_BELOW) for (let i = 0; i < n; i++) buf[at + i] = s.charCodeAt(i);
  else buf.write(s, at, n, 'latin1');
  return at + n;
}

function writeBytes(buf: Buffer, offset: number, bytes: Uint8Array): number {
  const n = bytes.length;
  const at = writeLength(buf, offset, n);
  if (n < COPY_IN_JS_BELOW) for (let i = 0; i < n; i++) buf[at + i] = bytes[i]!;
  else buf.set(bytes, at);
  return at + n;
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

/**
 * A header field list as an HTTP client hands it over: `[name, value, name, value, …]`, each the
 * field's bytes or their latin1 string.
 */
export type RawFields = ReadonlyArray<Uint8Array | string>;

/**
 * Encodes a response head whose fields are a {@link RawFields} list after `prefix` bytes of
 * room: the same bytes as {@link encodeResponseHead} of the same fields as pairs of latin1
 * strings, without making those strings.
 */
export function encodeRawResponseHead(status: number, reason: string, raw: RawFields, prefix: number): Buffer {
  const count = raw.length >>> 1;
  if (count > MAX_HEAD_FIELDS) {
    throw new ProtocolError('head_too_large', `${count} header fields exceed 65535`);
  }
  let size = 2 + 2 + reason.length + 2;
  for (let i = 0; i < count * 2; i++) size += 2 + raw[i]!.length;
  const buf = Buffer.allocUnsafe(prefix + size);
  buf.writeUInt16BE(status, prefix);
  let at = writeStr(buf, prefix + 2, reason);
  buf.writeUInt16BE(count, at);
  at += 2;
  for (let i = 0; i < count * 2; i++) {
    const field = raw[i]!;
    at = typeof field === 'string' ? writeStr(buf, at, field) : writeBytes(buf, at, field);
  }
  return buf;
}

/** Encodes a trailer block (one `fields`) after `prefix` bytes of room (for the frame header). */
export function encodeTrailerBlock(fields: readonly HeaderField[], prefix: number): Buffer {
  const buf = Buffer.allocUnsafe(prefix + fieldsBytes(fields));
  writeFields(buf, prefix, fields);
  return buf;
}

// Most head strings repeat from one head to the next: field names, and the values a client or
// the proxy sends every time (Host, User-Agent, forwarding fields, Content-Type). A short string
// whose bytes match the one last seen in its slot is that string again, found by comparing
// bytes instead of asking native code for a new string (and the collector to free the last).
const SEEN_SLOTS = 256;
const SEEN_UP_TO = 40;
const seen: string[] = new Array<string>(SEEN_SLOTS).fill('');

function latin1(buf: Buffer, at: number, n: number): string {
  if (n === 0) return '';
  if (n > SEEN_UP_TO) return buf.toString('latin1', at, at + n);
  const slot = (n * 31 + buf[at]! * 7 + buf[at + (n >>> 1)]! * 3 + buf[at + n - 1]!) & (SEEN_SLOTS - 1);
  const last = seen[slot]!;
  if (last.length === n) {
    let i = 0;
    while (i < n && last.charCodeAt(i) === buf[at + i]) i++;
    if (i === n) return last;
  }
  const s = buf.toString('latin1', at, at + n);
  seen[slot] = s;
  return s;
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
    const s = latin1(this.buf, this.at, len);
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
