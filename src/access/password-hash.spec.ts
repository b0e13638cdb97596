import { createHash } from 'node:crypto';
import { DEFAULT_SCRYPT, hashPassword, parsePasswordHash, parseTokenDigest, tokenDigestText, verifyPassword } from './password-hash.js';

// A low cost keeps the table fast; one test uses the default cost.
const CHEAP = { N: 16, r: 1, p: 1 };

describe('scrypt password hashes', () => {
  it('verify the password they were made from, and no other', () => {
    const stored = parsePasswordHash(hashPassword('correct horse', CHEAP))!;
    expect(verifyPassword(stored, 'correct horse')).toBe(true);
    expect(verifyPassword(stored, 'correct horsE')).toBe(false);
    expect(verifyPassword(stored, '')).toBe(false);
  });

  it('use a fresh salt each time', () => {
    expect(hashPassword('pw', CHEAP)).not.toBe(hashPassword('pw', CHEAP));
  });

  it('compare NFC-normalized text, so one password typed two ways is one password', () => {
    const stored = parsePasswordHash(hashPassword('\u00e9', CHEAP))!;
    expect(verifyPassword(stored, 'e\u0301')).toBe(true);
  });

  it('carry their cost, the default being N=2^14, r=8, p=1', () => {
    const text = hashPassword('pw');
    expect(text).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(parsePasswordHash(text)).toMatchObject(DEFAULT_SCRYPT);
    expect(verifyPassword(parsePasswordHash(text)!, 'pw')).toBe(true);
  });

  const salt = 'A'.repeat(22);
  const hash = 'B'.repeat(43);
  it.each([
    ['a plain password', 'secret'],
    ['another algorithm', `bcrypt$16384$8$1$${salt}$${hash}`],
    ['N not a power of two', `scrypt$1000$8$1$${salt}$${hash}`],
    ['N above 2^20', `scrypt$2097152$8$1$${salt}$${hash}`],
    ['r of 0', `scrypt$16384$0$1$${salt}$${hash}`],
    ['p above 16', `scrypt$16384$8$17$${salt}$${hash}`],
    ['a short hash', `scrypt$16384$8$1$${salt}$${'B'.repeat(10)}`],
    ['a missing part', `scrypt$16384$8$${salt}$${hash}`],
    ['padding', `scrypt$16384$8$1$${salt}$${hash}=`],
  ])('refuses %s', (_name, text) => {
    expect(parsePasswordHash(text)).toBeUndefined();
  });
});

describe('bearer token digests', () => {
  it('are sha256:<hex> of the token', () => {
    const text = tokenDigestText('tok');
    expect(text).toBe(`sha256:${createHash('sha256').update('tok').digest('hex')}`);
    expect(text).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(parseTokenDigest(text)).toEqual(Buffer.from(text.slice(7), 'hex'));
  });

  it.each(['sha256:abc', 'md5:' + '0'.repeat(64), 'sha256:' + 'g'.repeat(64)])('refuses %s', (text) => {
    expect(parseTokenDigest(text)).toBeUndefined();
  });
});
