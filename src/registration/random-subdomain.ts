import { randomBytes } from 'node:crypto';
import { ADJECTIVES, ANIMALS } from './subdomain-words.js';

/**
 * Generated subdomains: `<adjective>-<animal>-<6 characters>`, e.g. `brave-otter-7f3kq2`. Readable
 * enough to say aloud, and unguessable: 7 bits (128 adjectives) + 7 bits (128 animals) + 6 × 5
 * bits (32 characters) = {@link RANDOM_SUBDOMAIN_BITS} bits from the system's CSPRNG, so a
 * visitor who has not been given the URL would need about 2⁴³ guesses on average to find one.
 */

/** Lower-case letters and digits without the look-alikes `l`, `o`, `0` and `1`: 32 of them. */
export const SUFFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
export const SUFFIX_LENGTH = 6;
/** Entropy of one generated name, in bits. */
export const RANDOM_SUBDOMAIN_BITS = 7 + 7 + SUFFIX_LENGTH * 5;

/** Random bytes; tests pass a fixed source. */
export type RandomSource = (size: number) => Uint8Array;

/** A fresh generated name. Every byte is used through a mask that keeps the draw uniform. */
export function randomSubdomain(random: RandomSource = randomBytes): string {
  const bytes = random(2 + SUFFIX_LENGTH);
  const adjective = ADJECTIVES[bytes[0]! & 0x7f]!;
  const animal = ANIMALS[bytes[1]! & 0x7f]!;
  let suffix = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += SUFFIX_ALPHABET[bytes[2 + i]! & 0x1f];
  return `${adjective}-${animal}-${suffix}`;
}

const ADJECTIVE_SET = new Set(ADJECTIVES);
const ANIMAL_SET = new Set(ANIMALS);
const SHAPE = new RegExp(`^([a-z]+)-([a-z]+)-[${SUFFIX_ALPHABET}]{${SUFFIX_LENGTH}}$`);

/**
 * Whether `name` has the shape of a generated name. Such names are handed out only by `random`
 * (and given back only against their reconnect token), never claimed by name: otherwise a key
 * could take a name another key's agent is about to come back to.
 */
export function isGeneratedName(name: string): boolean {
  const match = SHAPE.exec(name);
  return match !== null && ADJECTIVE_SET.has(match[1]!) && ANIMAL_SET.has(match[2]!);
}
