import type { RouteOptions } from './route.js';

/**
 * The backends that serve one route (host pattern + path prefix), all registered with the same
 * key. Traffic is shared round-robin among the members that can take it right now.
 *
 * Membership is changed only by the {@link RouteTable} that owns the pool (it keeps an index
 * from member to pools in step); everyone else reads.
 */
export class Pool<T> {
  readonly #members: T[] = [];
  /** Set by the latest registration of the route (a new deployment's settings win). */
  options: RouteOptions = {};
  /** Index of the member to try first on the next pick. */
  #cursor = 0;
  /**
   * While the pool has no member but is kept for its owner to come back (the route's grace):
   * until when, in ms since the epoch. Undefined for a pool with members.
   */
  vacantUntil?: number;

  constructor(
    /** Normalized host pattern: `api.example.com`, `*.example.com` or `*`. */
    readonly host: string,
    /** Normalized path prefix, e.g. `/` or `/api`. */
    readonly path: string,
    /** The key that owns this route while the pool exists. */
    readonly ownerKeyId: string,
  ) {}

  /** Members in registration order. A live view: do not keep it across a registration change. */
  get members(): readonly T[] {
    return this.#members;
  }

  get size(): number {
    return this.#members.length;
  }

  has(member: T): boolean {
    return this.#members.includes(member);
  }

  /**
   * Picks the next eligible member after the one picked last, so that load spreads evenly and
   * a member that stops being eligible (draining, window exhausted) is simply passed over.
   * Returns `undefined` when no member is eligible; the caller answers 503.
   */
  pick(isEligible: (member: T) => boolean): T | undefined {
    const members = this.#members;
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

  /** @internal Only {@link RouteTable} calls this. Returns false if already a member. */
  addMember(member: T): boolean {
    if (this.has(member)) return false;
    this.#members.push(member);
    return true;
  }

  /** @internal Only {@link RouteTable} calls this. Returns false if not a member. */
  removeMember(member: T): boolean {
    const index = this.#members.indexOf(member);
    if (index === -1) return false;
    this.#members.splice(index, 1);
    // Keep the rotation where it was: the member that would have been next stays next.
    if (index < this.#cursor) this.#cursor--;
    if (this.#cursor >= this.#members.length) this.#cursor = 0;
    return true;
  }
}
