import { DEFAULT_EJECTION_POLICY, MemberHealth, type EjectionPolicy, type ExchangeOutcome, type HealthChange } from './member-health.js';
import type { Pool } from './pool.js';

/**
 * The passive health of one pool's members, and the pick that respects it. Members are held
 * weakly: one that leaves the pool (or the process) takes its record with it, and one that
 * registers the route again finds its record where it left it.
 */
export class PoolHealth<T extends object> {
  readonly #members = new WeakMap<T, MemberHealth>();

  /** Accepting and admitted by its health: one function per pool, not a closure per request. */
  readonly #admitted = (member: T): boolean => this.isAccepting(member) && (this.#members.get(member)?.admits() ?? true);

  constructor(
    /** Whether a member can open a stream now at all (not draining, not full). */
    private readonly isAccepting: (member: T) => boolean,
    private readonly policy: EjectionPolicy = DEFAULT_EJECTION_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** The member's record (created healthy on first use). */
  of(member: T): MemberHealth {
    let health = this.#members.get(member);
    if (health === undefined) this.#members.set(member, (health = new MemberHealth(this.policy, this.now)));
    return health;
  }

  /** The record if the member has one; a member without one is healthy. */
  peek(member: T): MemberHealth | undefined {
    return this.#members.get(member);
  }

  /**
   * A member of `pool` for the next request: among those accepting streams, the ones the health
   * admits; when it admits none of them, any of them, because a pool whose members all look
   * sick still has a better chance through them than through a 503 (an ejection must never
   * turn a sick pool into a dead one). The member picked is told, so that a half-open one
   * takes its single trial.
   */
  pick(pool: Pool<T>, affinity?: string): T | undefined {
    const member = pool.pick(this.#admitted, affinity) ?? pool.pick(this.isAccepting, affinity);
    if (member !== undefined) this.#members.get(member)?.picked();
    return member;
  }

  /**
   * Like {@link pick}, for a request sent again: never one of `tried`. Rare (a failed attempt),
   * so its predicate may be made per call.
   */
  pickExcept(pool: Pool<T>, tried: readonly T[]): T | undefined {
    const untried = (member: T): boolean => !tried.includes(member) && this.isAccepting(member);
    const admitted = (member: T): boolean => untried(member) && (this.#members.get(member)?.admits() ?? true);
    const member = pool.pick(admitted) ?? pool.pick(untried);
    if (member !== undefined) this.#members.get(member)?.picked();
    return member;
  }

  /** Feeds the outcome of one of `member`'s exchanges; returns the change it caused. */
  record(member: T, outcome: ExchangeOutcome): HealthChange | undefined {
    // Success of a member with no record changes nothing: no record is needed for it.
    if (outcome !== 'failure' && !this.#members.has(member)) return undefined;
    return this.of(member).record(outcome);
  }
}
