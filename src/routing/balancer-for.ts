import type { Balancer, BalanceMode, MemberTraits, StickySource } from './balancer.js';
import { LeastRequests } from './least-requests.js';
import { RoundRobin } from './round-robin.js';
import { Sticky } from './sticky.js';

/** The balancing a route asked for; both optional (round robin, not sticky). */
export interface BalanceSettings {
  readonly balance?: BalanceMode;
  readonly sticky?: StickySource;
}

/** A fresh balancer for `settings` (see src/routing/README.md for the choice of default). */
export function balancerFor<T>(settings: BalanceSettings, traits: MemberTraits<T>, random: () => number = Math.random): Balancer<T> {
  const base: Balancer<T> =
    settings.balance === 'least-requests' ? new LeastRequests(traits, random) : new RoundRobin(traits);
  return settings.sticky ? new Sticky(base, traits) : base;
}

/** Whether two settings make the same balancer, so a re-registration keeps the running one. */
export function sameBalance(a: BalanceSettings, b: BalanceSettings): boolean {
  const mode = (s: BalanceSettings) => s.balance ?? 'round-robin';
  const sticky = (s: BalanceSettings) =>
    s.sticky === undefined ? '' : 'header' in s.sticky ? `h:${s.sticky.header}` : `c:${s.sticky.cookie}`;
  return mode(a) === mode(b) && sticky(a) === sticky(b);
}
