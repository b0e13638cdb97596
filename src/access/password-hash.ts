import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * A password stored as `scrypt$N$r$p$salt$hash` (salt and hash in base64url, no padding): what
 * `basicAuth[].password` holds in the configuration and what `harp hash-password` prints. The
 * parameters travel with the hash, so hashes made with other costs keep working.
 */
export interface PasswordHash {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelism. */
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/**
 * The cost `harp hash-password` and agent-sent passwords use: N = 2^14, r = 8, p = 1, the
 * interactive-login parameters of RFC 7914 §2's era and of OWASP's scrypt guidance (16 MiB,
 * tens of ms). Each check of a password not seen before costs one such computation.
 */
export const DEFAULT_SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const;

// Bounds keep a hash in the configuration from asking for more memory or time than a request
// can afford: 2^20 × 8 × 128 bytes is 1 GiB already.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const FORMAT = /^scrypt\$(\d{1,7})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,88})\$([A-Za-z0-9_-]{22,88})$/;

/** The hash in {@link PasswordHash}'s text form, or undefined when it is not one HARP can check. */
export function parsePasswordHash(text: string): PasswordHash | undefined {
  const match = FORMAT.exec(text);
  if (!match) return undefined;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const powerOfTwo = N >= 2 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return undefined;
  const hash = Buffer.from(match[5]!, 'base64url');
  if (hash.length < 16 || hash.length > 64) return undefined;
  return { N, r, p, salt: Buffer.from(match[4]!, 'base64url'), hash };
}

/** Hashes `password` with a fresh random salt, in the text form {@link parsePasswordHash} reads. */
export function hashPassword(password: string, cost: { N: number; r: number; p: number } = DEFAULT_SCRYPT): string {
  const salt = randomBytes(16);
  const hash = derive(password, { ...cost, salt, hash: Buffer.alloc(32) });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Whether `password` is the one `stored` was made from; compared in constant time. */
export function verifyPassword(stored: PasswordHash, password: string): boolean {
  return timingSafeEqual(derive(password, stored), stored.hash);
}

function derive(password: string, { N, r, p, salt, hash }: PasswordHash): Buffer {
  // Node's default maxmem (32 MiB) is below what the larger accepted costs need.
  return scryptSync(password.normalize('NFC'), salt, hash.length, { N, r, p, maxmem: 256 * N * r * p + 1024 * 1024 });
}

/**
 * A bearer token stored as `sha256:<64 hex digits>`. Bearer tokens are random secrets, not
 * passwords a person chose, so a fast digest is enough to keep the file from holding them.
 */
export function parseTokenDigest(text: string): Buffer | undefined {
  const match = /^sha256:([0-9a-f]{64})$/i.exec(text);
  return match ? Buffer.from(match[1]!, 'hex') : undefined;
}

/** The stored form of a bearer token: what `harp hash-password --token` prints. */
export function tokenDigestText(token: string): string {
  return `sha256:${sha256(token).toString('hex')}`;
}

export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
