import { isVariantIndex, type CachedResponse, type CacheValue, type VariantIndex } from './policy/cache-entry.js';
import { CacheStoreError } from './cache-store-error.js';

/**
 * The binary form of a stored value in Redis: one Buffer, so that the body keeps its bytes as
 * they are (no base64, no JSON escaping) and a hit is one GET.
 *
 * | offset | size | content                                                      |
 * |-------:|-----:|--------------------------------------------------------------|
 * |      0 |    1 | magic `0x48` (`H`)                                           |
 * |      1 |    1 | format version, `1`                                          |
 * |      2 |    4 | metadata length M, unsigned 32-bit big-endian                |
 * |      6 |    M | metadata: UTF-8 JSON `{ "k": "r" \| "i", "e": expires, "v": … }` |
 * |  6 + M |  … | the response body, raw (responses only)                        |
 *
 * `k` is `r` for a {@link CachedResponse} (whose `v` holds everything but the body) and `i` for a
 * {@link VariantIndex}; `e` is Keyv's expiry time in ms since the epoch, or null. Header values
 * are JavaScript strings whose characters are the field's bytes (Node decodes fields as latin1),
 * which JSON carries exactly.
 */

/** Keyv's envelope around a stored value, handed to a store when `serialize` is off. */
export interface StoredData {
  readonly value: CacheValue;
  readonly expires?: number | null;
}

const MAGIC = 0x48;
const VERSION = 1;
const PREFIX_BYTES = 6;

/** Packs a value and its expiry into one Buffer. */
export function packEntry(data: StoredData): Buffer {
  const { value } = data;
  const expires = data.expires ?? null;
  let meta: string;
  let body: Buffer | undefined;
  if (isVariantIndex(value)) {
    meta = JSON.stringify({ k: 'i', e: expires, v: { vary: value.vary, gen: value.gen, expiresAt: value.expiresAt } });
  } else {
    const { status, reason, headers, policy, storedAt } = value;
    meta = JSON.stringify({ k: 'r', e: expires, v: { status, reason, headers, policy, storedAt } });
    body = value.body;
  }
  const metaBytes = Buffer.byteLength(meta);
  const out = Buffer.allocUnsafe(PREFIX_BYTES + metaBytes + (body?.byteLength ?? 0));
  out[0] = MAGIC;
  out[1] = VERSION;
  out.writeUInt32BE(metaBytes, 2);
  out.write(meta, PREFIX_BYTES, 'utf8');
  body?.copy(out, PREFIX_BYTES + metaBytes);
  return out;
}

/**
 * Unpacks {@link packEntry}'s output. The body is a view into `packed`, not a copy.
 *
 * @throws CacheStoreError `entry_corrupt` when the bytes are not a value this version wrote
 */
export function unpackEntry(packed: Buffer): StoredData {
  const corrupt = (why: string): never => {
    throw new CacheStoreError('entry_corrupt', `stored value is not a HARP cache entry: ${why}`);
  };
  if (packed.length < PREFIX_BYTES || packed[0] !== MAGIC) corrupt('bad magic');
  if (packed[1] !== VERSION) corrupt(`unknown version ${packed[1]}`);
  const metaBytes = packed.readUInt32BE(2);
  if (PREFIX_BYTES + metaBytes > packed.length) corrupt('truncated');
  let meta: { k?: unknown; e?: unknown; v?: Record<string, unknown> };
  try {
    meta = JSON.parse(packed.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + metaBytes));
  } catch {
    return corrupt('metadata is not JSON');
  }
  const expires = typeof meta.e === 'number' ? meta.e : null;
  const v = meta.v ?? {};
  if (meta.k === 'i') {
    if (!isStringList(v.vary) || typeof v.gen !== 'string' || typeof v.expiresAt !== 'number') corrupt('bad index');
    const index: VariantIndex = { vary: v.vary as string[], gen: v.gen as string, expiresAt: v.expiresAt as number };
    if (packed.length !== PREFIX_BYTES + metaBytes) corrupt('index with a body');
    return { value: index, expires };
  }
  if (meta.k !== 'r') corrupt('unknown kind');
  const { status, reason, headers, policy, storedAt } = v;
  const valid =
    Number.isInteger(status) &&
    typeof reason === 'string' &&
    isStringList(headers) &&
    (headers as string[]).length % 2 === 0 &&
    policy !== null &&
    typeof policy === 'object' &&
    typeof storedAt === 'number';
  if (!valid) corrupt('bad response');
  const response: CachedResponse = {
    status: status as number,
    reason: reason as string,
    headers: headers as string[],
    policy: policy as CachedResponse['policy'],
    body: packed.subarray(PREFIX_BYTES + metaBytes),
    storedAt: storedAt as number,
  };
  return { value: response, expires };
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
