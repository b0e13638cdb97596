import { uniformTraits, type Balancer, type MemberTraits } from './balancer.js';

/**
 * Round robin, weighted when the members' weights differ.
 *
 * With equal weights it is a plain rotation: the next eligible member after the one picked
 * last, so a member that stops being eligible (draining, busy, ejected) is simply passed over
 * and the rotation resumes where it was. With unequal weights it is smooth weighted round
 * robin (the scheme nginx uses): each eligible member gains its weight in credit per pick, the
 * richest is picked and pays the total. Over any run of Σw picks each member gets exactly its
 * weight, interleaved (5:1:1 gives a a b a c a a, not a a a a a b c).
 */
export class RoundRobin<T> implements Balancer<T> {
  /** Index of the member to try first on the next unweighted pick. */
  #cursor = 0;
  /** Smooth weighted round robin's running credit per member. */
  readonly #credit = new Map<T, number>();

  constructor(private readonly traits: MemberTraits<T> = uniformTraits()) {}

  pick(members: readonly T[], isEligible: (member: T) => boolean): T | undefined {
    return this.#weighted(members) ? this.#smooth(members, isEligible) : this.#rotate(members, isEligible);
  }

  removed(index: number, member: T, members: readonly T[]): void {
    this.#credit.delete(member);
    // Keep the rotation where it was: the member that would have been next stays next.
    if (index < this.#cursor) this.#cursor--;
    if (this.#cursor >= members.length) this.#cursor = 0;
  }

  #weighted(members: readonly T[]): boolean {
    for (const member of members) if (this.traits.weight(member) !== 1) return true;
    return false;
  }

  #rotate(members: readonly T[], isEligible: (member: T) => boolean): T | undefined {
    const count = members.length;
    for (let tried = 0; tried < count; tried++) {
      const index = (this.#cursor + tried) % count;
      const member = members[index]!;
      if (isEligible(member)) {
        this.#cursor = (index + 1) % count;
        return member;
      }
    }
    return undefined;
  }

  #smooth(members: readonly T[], isEligible: (member: T) => boolean): T | undefined {
    let best: T | undefined;
    let bestCredit = -Infinity;
    let total = 0;
    for (const member of members) {
      if (!isEligible(member)) continue;
      const weight = this.traits.weight(member);
      const credit = (this.#credit.get(member) ?? 0) + weight;
      this.#credit.set(member, credit);
      total += weight;
      // Ties go to the earlier member, so equal credit keeps registration order.
      if (credit > bestCredit) [best, bestCredit] = [member, credit];
    }
    if (best !== undefined) this.#credit.set(best, bestCredit - total);
    return best;
  }
}
