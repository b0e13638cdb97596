/**
 * Passive health of one pool member: ejection after consecutive upstream failures, a doubling
 * backoff, and a single trial request (half-open) before the member takes traffic again.
 * Pure: the clock is injected, and the caller feeds it the outcome of each finished exchange.
 */

/** When a member is ejected and for how long (config keys `ejectAfterFailures`, `ejectBaseMs`, `ejectMaxMs`). */
export interface EjectionPolicy {
  /** Consecutive failed exchanges that eject a member. @default 5 */
  readonly afterFailures: number;
  /** The first ejection's length, in ms; each failed trial doubles it. @default 5000 */
  readonly baseMs: number;
  /** The longest ejection, in ms. @default 60000 */
  readonly maxMs: number;
}

export const DEFAULT_EJECTION_POLICY: EjectionPolicy = { afterFailures: 5, baseMs: 5000, maxMs: 60_000 };

/**
 * `healthy`: takes traffic. `ejected`: passed over until `ejectedUntil`. `half-open`: the
 * backoff passed; one trial request may go, and its outcome decides.
 */
export type HealthState = 'healthy' | 'ejected' | 'half-open';

/** What one finished exchange says about the member that served it. */
export type ExchangeOutcome = 'success' | 'failure' | 'neutral';

/** A change worth a log line and a metric. */
export type HealthChange =
  | { readonly kind: 'ejected'; readonly untilMs: number; readonly backoffMs: number; readonly failures: number }
  | { readonly kind: 'returned' };

/**
 * The `X-Harp-Error` codes that count against a member: its upstream failed (`upstream_error`),
 * it did not answer in time (`timeout`), or it went away mid-request (`agent_gone`).
 */
export const FAILURE_CODES: ReadonlySet<string> = new Set(['upstream_error', 'timeout', 'agent_gone']);

/**
 * What a finished exchange says about its member: a failure code is a failure; any other
 * answer the client got is a success (it resets the count); a cache hit (the member did not
 * serve it) or a client gone before any answer says nothing.
 */
export function outcomeOf(exchange: { readonly errorCode?: string; readonly status: number; readonly cache?: string }): ExchangeOutcome {
  if (exchange.errorCode !== undefined && FAILURE_CODES.has(exchange.errorCode)) return 'failure';
  if (exchange.cache === 'hit' || exchange.status === 0) return 'neutral';
  return 'success';
}

export class MemberHealth {
  #failures = 0;
  /** While ejected or half-open: when the current ejection ends (ms since the epoch). */
  #until: number | undefined;
  /** Length of the current (or, once back, the next) ejection. */
  #backoffMs: number;
  /** When the half-open trial was handed out; undefined when none is out. */
  #trialAt: number | undefined;

  constructor(
    private readonly policy: EjectionPolicy = DEFAULT_EJECTION_POLICY,
    private readonly now: () => number = Date.now,
  ) {
    this.#backoffMs = Math.min(policy.baseMs, policy.maxMs);
  }

  get state(): HealthState {
    if (this.#until === undefined) return 'healthy';
    return this.now() < this.#until ? 'ejected' : 'half-open';
  }

  /** When the ejection ends (ms since the epoch), while ejected or half-open. */
  get ejectedUntil(): number | undefined {
    return this.#until;
  }

  /** Consecutive failures counted so far (reset by a success). */
  get failures(): number {
    return this.#failures;
  }

  /**
   * May the member take the next request? Healthy: yes. Ejected: no. Half-open: only while no
   * trial is out, or once a trial has been out for a whole backoff without an outcome (its
   * report may never come, e.g. when the request was retried elsewhere).
   */
  admits(): boolean {
    const state = this.state;
    if (state !== 'half-open') return state === 'healthy';
    return this.#trialAt === undefined || this.now() - this.#trialAt >= this.#backoffMs;
  }

  /** The member was picked: in half-open, that request is the trial. */
  picked(): void {
    if (this.state === 'half-open') this.#trialAt = this.now();
  }

  /** Feeds one finished exchange of this member. Returns the change it caused, if any. */
  record(outcome: ExchangeOutcome): HealthChange | undefined {
    const state = this.state;
    // While ejected, outcomes are those of requests sent before the ejection or of the
    // all-ejected fallback: only the trial after the backoff decides.
    if (state === 'ejected') return undefined;
    if (outcome === 'neutral') {
      if (state === 'half-open') this.#trialAt = undefined; // the trial told nothing: another may go
      return undefined;
    }
    if (outcome === 'success') {
      this.#failures = 0;
      if (state === 'healthy') return undefined;
      this.#until = this.#trialAt = undefined;
      this.#backoffMs = Math.min(this.policy.baseMs, this.policy.maxMs);
      return { kind: 'returned' };
    }
    this.#failures++;
    if (state === 'half-open') {
      this.#backoffMs = Math.min(this.#backoffMs * 2, this.policy.maxMs);
      return this.#eject();
    }
    return this.#failures >= this.policy.afterFailures ? this.#eject() : undefined;
  }

  #eject(): HealthChange {
    this.#until = this.now() + this.#backoffMs;
    this.#trialAt = undefined;
    return { kind: 'ejected', untilMs: this.#until, backoffMs: this.#backoffMs, failures: this.#failures };
  }
}
