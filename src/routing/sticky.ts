import type { Balancer, MemberTraits, StickySource } from './balancer.js';

/**
 * Sticky routing over another balancer: a request that carries the route's sticky value goes
 * to the member chosen by rendezvous (highest random weight) hashing of that value over the
 * eligible members; one without it is left to the inner balancer.
 *
 * Why rendezvous hashing: every member scores every value independently, so a member that
 * leaves (or is ejected, or drains) moves only the values it held, each to its own runner-up,
 * and a member that joins takes about 1/n of the values from the others, none from elsewhere.
 * It needs no ring to keep in step with membership, and pools are small enough that scoring
 * each member per request costs less than the hash of a ring lookup would save. Weights follow
 * Resch's weighted form: score = w / −ln(u), u the member's hash of the value in (0, 1), which
 * gives each member a share of the values proportional to its weight.
 */
export class Sticky<T> implements Balancer<T> {
  constructor(
    private readonly inner: Balancer<T>,
    private readonly traits: MemberTraits<T>,
  ) {}

  pick(members: readonly T[], isEligible: (member: T) => boolean, affinity?: string): T | undefined {
    if (affinity === undefined) return this.inner.pick(members, isEligible);
    // The separator keeps (value 'ab', id 'c') and (value 'a', id 'bc') apart.
    const seed = fnv1a(affinity + '\n', FNV_OFFSET);
    let best: T | undefined;
    let bestScore = -Infinity;
    for (const member of members) {
      if (!isEligible(member)) continue;
      const score = rendezvousScore(seed, this.traits.id(member), this.traits.weight(member));
      if (score > bestScore) [best, bestScore] = [member, score];
    }
    return best;
  }

  removed(index: number, member: T, members: readonly T[]): void {
    this.inner.removed(index, member, members);
  }
}

/** A member's score for the value whose FNV-1a state is `seed`; the highest score wins. */
function rendezvousScore(seed: number, memberId: string, weight: number): number {
  // The value's hash state continued over the member's id, then mixed: one pass over each
  // string, no allocation per member.
  const hash = fmix32(fnv1a(memberId, seed));
  const unit = (hash + 0.5) / 2 ** 32; // in (0, 1), never 0 or 1
  return weight / -Math.log(unit);
}

/** The sticky value a request carries for `source`, or undefined (the value is then unused). */
export function affinityOf(source: StickySource, headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  if ('header' in source) {
    const value = headers[source.header];
    const text = Array.isArray(value) ? value.join(', ') : value;
    return text === undefined || text === '' ? undefined : text;
  }
  const cookie = headers.cookie;
  return cookieValue(Array.isArray(cookie) ? cookie.join('; ') : cookie, source.cookie);
}

/**
 * The first value of cookie `name` in a `Cookie` field (RFC 6265 §4.2.1: `name=value` pairs
 * separated by `; `), quotes removed; undefined when absent or empty.
 */
export function cookieValue(field: string | undefined, name: string): string | undefined {
  if (field === undefined) return undefined;
  for (const pair of field.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value === '' ? undefined : value;
  }
  return undefined;
}

const FNV_OFFSET = 0x811c9dc5;

/** 32-bit FNV-1a over UTF-16 code units, continuing from `state`. Not for secrets: for spread. */
function fnv1a(text: string, state: number): number {
  let hash = state;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finalizer: FNV's low bits avalanche poorly on short, similar inputs. */
function fmix32(input: number): number {
  let hash = input;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
