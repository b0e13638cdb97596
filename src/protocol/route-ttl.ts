/**
 * A route's lifetime as agents write it: `N` followed by `s`, `m` or `h` (`90s`, `30m`, `2h`).
 * One definition for the `ttl` of a `register` route (docs/protocol.md §7.2), the agent's
 * `AgentRoute.ttl`, `harp http --ttl` and a harp.yml service's `ttl`. It lives in the protocol
 * because the wire carries the text.
 */

/**
 * The longest lifetime a route may ask for: 7 days. A temporary service is meant to go away by
 * itself; a week covers a demo or a review cycle, and a bound keeps every timer far from
 * Node's 2³¹−1 ms ceiling.
 */
export const MAX_ROUTE_TTL_MS = 7 * 24 * 3600 * 1000;

const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({ s: 1000, m: 60_000, h: 3_600_000 });
const TTL_TEXT = /^([1-9]\d{0,6})([smh])$/;

/** The lifetime `text` spells in ms, or undefined when it is not `Ns`, `Nm` or `Nh` within 1 s…7 days. */
export function parseRouteTtl(text: string): number | undefined {
  const match = TTL_TEXT.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms <= MAX_ROUTE_TTL_MS ? ms : undefined;
}

/** The text for a lifetime of `ms` (rounded up to a whole second), as a reconnecting agent sends what is left. */
export function formatRouteTtl(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}

/** What a bad ttl should have been, for error messages. */
export const TTL_EXPECTED = 'Ns, Nm or Nh (e.g. 90s, 30m, 2h), at most 7 days (168h)';
