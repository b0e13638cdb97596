/**
 * A rate as operators and agents write it: `N/s`, `N/m` or `N/h` (N requests per second,
 * minute or hour). One definition for every place that reads one: the configuration
 * (`rateLimit`, `rateLimits[].limit`), the route a `register` message carries (docs/protocol.md
 * §7.2), the agent's `connect({ rateLimit })` and `harp http --rate-limit`. It lives in the
 * protocol because it is part of the wire format, the lowest layer all of them share.
 */
export interface Rate {
  /** Requests allowed per window: 1…{@link MAX_RATE_LIMIT}. */
  readonly limit: number;
  /** The window's length in seconds: 1, 60 or 3600. */
  readonly windowSeconds: number;
}

/** The largest N of a rate; far above any real limit, small enough for every counter. */
export const MAX_RATE_LIMIT = 1_000_000_000;

/** Window length of each unit, in seconds. */
export const RATE_UNITS: Readonly<Record<string, number>> = Object.freeze({ s: 1, m: 60, h: 3600 });

const RATE_TEXT = /^([1-9]\d{0,9})\/([smh])$/;

/** The rate `text` spells, or undefined when it is not `N/s`, `N/m` or `N/h` with N in range. */
export function parseRate(text: string): Rate | undefined {
  const match = RATE_TEXT.exec(text);
  if (!match) return undefined;
  const limit = Number(match[1]);
  if (limit > MAX_RATE_LIMIT) return undefined;
  return { limit, windowSeconds: RATE_UNITS[match[2]!]! };
}

/** What a bad rate should have been, for error messages. */
export const RATE_EXPECTED = `N/s, N/m or N/h with N from 1 to ${MAX_RATE_LIMIT} (e.g. 100/s)`;
