import type { Balancer, MemberTraits } from './balancer.js';

/**
 * Least requests by the power of two choices: draw two distinct eligible members, each draw
 * proportional to weight, and take the one with fewer requests in flight per unit of weight;
 * on a tie, the first drawn.
 *
 * Why two and not all: the least loaded of all is what every proxy that shares stale counts
 * sends its next burst to at once (herding); two random choices keep almost all of the gain
 * (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", 2001) and never
 * send everything to one member. Why draws by weight: an idle pool then still shares by weight
 * (a 3:1 pool gets 3:1 from a client that sends one request at a time), while under load the
 * comparison of in-flight per weight moves requests away from the busy.
 */
export class LeastRequests<T> implements Balancer<T> {
  constructor(
    private readonly traits: MemberTraits<T>,
    /** A number in [0, 1); tests inject a sequence. */
    private readonly random: () => number = Math.random,
  ) {}

  pick(members: readonly T[], isEligible: (member: T) => boolean): T | undefined {
    const eligible: T[] = [];
    let total = 0;
    for (const member of members) {
      if (!isEligible(member)) continue;
      eligible.push(member);
      total += this.traits.weight(member);
    }
    if (eligible.length <= 1) return eligible[0];
    const first = this.#draw(eligible, total, undefined);
    const second = this.#draw(eligible, total - this.traits.weight(first), first);
    return this.#load(second) < this.#load(first) ? second : first;
  }

  removed(): void {
    // Stateless: nothing to keep in step.
  }

  #load(member: T): number {
    return this.traits.inFlight(member) / this.traits.weight(member);
  }

  /** One member at random, proportional to weight, skipping `except`. */
  #draw(eligible: readonly T[], total: number, except: T | undefined): T {
    let point = this.random() * total;
    let last: T | undefined;
    for (const member of eligible) {
      if (member === except) continue;
      point -= this.traits.weight(member);
      last = member;
      if (point < 0) return member;
    }
    // Rounding can leave a sliver of `point`: it belongs to the last candidate.
    return last!;
  }
}
