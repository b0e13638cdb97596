/** How a route shares its requests across its pool (docs/protocol.md §7.2, `balance`). */
export type BalanceMode = 'round-robin' | 'least-requests';

/** Every {@link BalanceMode}, the default first. */
export const BALANCE_MODES = ['round-robin', 'least-requests'] as const satisfies readonly BalanceMode[];

/** Where a sticky route reads the value that keeps a client on one member. */
export type StickySource = { readonly header: string } | { readonly cookie: string };

/** Smallest and largest weight of a member; 1 when the agent asks for none. */
export const MIN_WEIGHT = 1;
export const MAX_WEIGHT = 100;

/**
 * What a balancer may know about a member besides its identity. Routing reads these from the
 * member itself (an agent's connection knows its weight and its open streams); the balancers
 * never see a socket.
 */
export interface MemberTraits<T> {
  /** Stable for the member's life: what sticky hashing is computed over. */
  id(member: T): string;
  /** 1…100: the member's share relative to the others. */
  weight(member: T): number;
  /** Requests the member is serving now. */
  inFlight(member: T): number;
}

/**
 * A pool's pick strategy. It sees the pool's members in registration order and a predicate
 * that says which may take a request now, and returns one of those or `undefined` when none
 * may. A balancer keeps whatever state its rotation needs; the pool tells it when a member
 * leaves so that state stays in step.
 */
export interface Balancer<T> {
  /**
   * @param affinity the request's sticky value (a header or cookie), when the route is sticky
   *   and the request carries one; balancers that are not sticky ignore it.
   */
  pick(members: readonly T[], isEligible: (member: T) => boolean, affinity?: string): T | undefined;
  /** The member that was at `index` left; `members` is the list without it. */
  removed(index: number, member: T, members: readonly T[]): void;
}

/** Traits of members that carry nothing: every member weighs 1 and is idle. */
export function uniformTraits<T>(id: (member: T) => string = String): MemberTraits<T> {
  return { id, weight: () => 1, inFlight: () => 0 };
}
