import type { Balancer } from './balancer.js';
import type { RouteOptions } from './route.js';
import { RoundRobin } from './round-robin.js';

/**
 * The backends that serve one route (host pattern + path prefix), all registered with the same
 * key. Traffic is shared among the members that can take it right now by the pool's
 * {@link Balancer} (round robin unless the route asked for another).
 *
 * Membership is changed only by the {@link RouteTable} that owns the pool (it keeps an index
 * from member to pools in step); everyone else reads.
 */
export class Pool<T> {
  readonly #members: T[] = [];
  /** Set by the latest registration of the route (a new deployment's settings win). */
  options: RouteOptions = {};
  /**
   * How the next member is chosen. Replaced by routing when a registration asks for other
   * balancing; it keeps its own rotation state, kept in step by {@link removeMember}.
   */
  balancer: Balancer<T> = new RoundRobin<T>();
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
   * Picks an eligible member as the balancer decides, so that load spreads and a member that
   * stops being eligible (draining, window exhausted, ejected) is simply passed over.
   * Returns `undefined` when no member is eligible; the caller answers 503.
   * @param affinity the request's sticky value, for a sticky balancer
   */
  pick(isEligible: (member: T) => boolean, affinity?: string): T | undefined {
    return this.balancer.pick(this.#members, isEligible, affinity);
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
    this.balancer.removed(index, member, this.#members);
    return true;
  }
}
