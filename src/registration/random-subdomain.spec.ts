import { randomBytes } from 'node:crypto';
import { isGeneratedName, RANDOM_SUBDOMAIN_BITS, randomSubdomain, SUFFIX_ALPHABET } from './random-subdomain.js';
import { subdomainProblem } from './subdomain-rules.js';
import { ADJECTIVES, ANIMALS } from './subdomain-words.js';

describe('randomSubdomain', () => {
  it('reads adjective-animal-suffix, a valid and unreserved DNS label', () => {
    for (let i = 0; i < 200; i++) {
      const name = randomSubdomain();
      expect(name).toMatch(/^[a-z]+-[a-z]+-[a-km-np-z2-9]{6}$/);
      expect(subdomainProblem(name)).toBeUndefined();
      expect(isGeneratedName(name)).toBe(true);
    }
  });

  it('is built from exactly 128 + 128 distinct words and 32 suffix characters: 44 bits', () => {
    expect(new Set(ADJECTIVES).size).toBe(128);
    expect(new Set(ANIMALS).size).toBe(128);
    expect(new Set(SUFFIX_ALPHABET).size).toBe(32);
    expect(RANDOM_SUBDOMAIN_BITS).toBe(Math.log2(128 * 128 * 32 ** 6));
    expect(RANDOM_SUBDOMAIN_BITS).toBe(44);
    for (const word of [...ADJECTIVES, ...ANIMALS]) expect(word).toMatch(/^[a-z]{2,8}$/);
  });

  it('maps every byte value uniformly: each word and character is reachable from a fixed source', () => {
    const names = Array.from({ length: 256 }, (_, b) => randomSubdomain(() => new Uint8Array(8).fill(b)));
    expect(new Set(names.map((n) => n.split('-')[0])).size).toBe(128);
    expect(new Set(names.map((n) => n.split('-')[1])).size).toBe(128);
    expect(new Set(names.map((n) => n.split('-')[2]![0])).size).toBe(32);
  });

  it('draws no name twice in 100000 draws', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(randomSubdomain());
    expect(seen.size).toBe(100_000);
  });

  it('draws from the CSPRNG: two fresh sources of the same bytes give the same name, others differ', () => {
    const bytes = randomBytes(8);
    expect(randomSubdomain(() => bytes)).toBe(randomSubdomain(() => bytes));
    expect(randomSubdomain()).not.toBe(randomSubdomain());
  });
});

describe('isGeneratedName', () => {
  it.each(['brave-otter-7f3kq2', 'wise-weasel-222222'])('recognises %s', (name) => {
    expect(isGeneratedName(name)).toBe(true);
  });

  it.each(['brave-otter', 'brave-otter-7f3k', 'brave-otter-7f3kq21', 'brave-otter-7f3kq0', 'blurp-otter-7f3kq2', 'brave-blurp-7f3kq2', 'myapp', 'Brave-otter-7f3kq2'])(
    'does not take %s for a generated name',
    (name) => {
      expect(isGeneratedName(name)).toBe(false);
    },
  );
});
