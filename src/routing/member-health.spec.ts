import { MemberHealth, outcomeOf, type EjectionPolicy, type ExchangeOutcome } from './member-health.js';

const policy: EjectionPolicy = { afterFailures: 5, baseMs: 5000, maxMs: 60_000 };

/** A member's health on a clock the test moves by hand. */
function subject(p: EjectionPolicy = policy) {
  const clock = { now: 1_000_000 };
  const health = new MemberHealth(p, () => clock.now);
  const feed = (outcome: ExchangeOutcome, times = 1) => {
    let last;
    for (let i = 0; i < times; i++) last = health.record(outcome);
    return last;
  };
  return { clock, health, feed };
}

describe('outcomeOf', () => {
  it.each<[string, { errorCode?: string; status: number; cache?: string }, ExchangeOutcome]>([
    ['upstream_error', { errorCode: 'upstream_error', status: 502 }, 'failure'],
    ['timeout', { errorCode: 'timeout', status: 504 }, 'failure'],
    ['agent_gone', { errorCode: 'agent_gone', status: 502 }, 'failure'],
    ['a 200', { status: 200 }, 'success'],
    ['a 500 from the application', { status: 500 }, 'success'],
    ['bad_response (the member answered)', { errorCode: 'bad_response', status: 502 }, 'success'],
    ['a cache hit', { status: 200, cache: 'hit' }, 'neutral'],
    ['a client gone before any answer', { status: 0 }, 'neutral'],
  ])('%s', (_name, exchange, expected) => {
    expect(outcomeOf(exchange)).toBe(expected);
  });
});

describe('MemberHealth', () => {
  it('starts healthy and admits', () => {
    const { health } = subject();
    expect([health.state, health.admits(), health.ejectedUntil]).toEqual(['healthy', true, undefined]);
  });

  it('is ejected by the fifth consecutive failure, not the fourth', () => {
    const { health, feed, clock } = subject();
    expect(feed('failure', 4)).toBeUndefined();
    expect(health.state).toBe('healthy');
    expect(feed('failure')).toEqual({ kind: 'ejected', untilMs: clock.now + 5000, backoffMs: 5000, failures: 5 });
    expect([health.state, health.admits(), health.ejectedUntil]).toEqual(['ejected', false, clock.now + 5000]);
  });

  it('a success resets the count; a neutral outcome does not', () => {
    const { health, feed } = subject();
    feed('failure', 4);
    feed('success');
    expect(feed('failure', 4)).toBeUndefined();
    feed('neutral');
    expect(feed('failure')?.kind).toBe('ejected');
    expect(health.state).toBe('ejected');
  });

  it('honours another threshold', () => {
    const { feed } = subject({ ...policy, afterFailures: 1 });
    expect(feed('failure')?.kind).toBe('ejected');
  });

  it('after the backoff, admits exactly one trial', () => {
    const { health, feed, clock } = subject();
    feed('failure', 5);
    clock.now += 4999;
    expect(health.admits()).toBe(false);
    clock.now += 1;
    expect([health.state, health.admits()]).toEqual(['half-open', true]);
    health.picked();
    expect(health.admits()).toBe(false);
  });

  it('a successful trial brings it back, with the backoff reset', () => {
    const { health, feed, clock } = subject();
    feed('failure', 5);
    clock.now += 5000;
    health.picked();
    expect(feed('success')).toEqual({ kind: 'returned' });
    expect([health.state, health.admits(), health.ejectedUntil, health.failures]).toEqual(['healthy', true, undefined, 0]);
    expect(feed('failure', 5)).toMatchObject({ kind: 'ejected', backoffMs: 5000 });
  });

  it('each failed trial doubles the backoff, up to the cap', () => {
    const { health, feed, clock } = subject();
    const backoffs = [(feed('failure', 5) as { backoffMs: number }).backoffMs];
    for (let i = 0; i < 6; i++) {
      clock.now = health.ejectedUntil!;
      health.picked();
      const change = feed('failure');
      expect(change).toMatchObject({ kind: 'ejected', untilMs: clock.now + (change as { backoffMs: number }).backoffMs });
      backoffs.push((change as { backoffMs: number }).backoffMs);
    }
    expect(backoffs).toEqual([5000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
  });

  it('ignores outcomes while ejected (late answers of requests sent before)', () => {
    const { health, feed, clock } = subject();
    feed('failure', 5);
    const until = health.ejectedUntil;
    expect(feed('success')).toBeUndefined();
    expect(feed('failure', 10)).toBeUndefined();
    expect([health.state, health.ejectedUntil]).toEqual(['ejected', until]);
    clock.now = until!;
    expect(health.state).toBe('half-open');
  });

  it('a trial that says nothing (neutral) lets another go', () => {
    const { health, feed, clock } = subject();
    feed('failure', 5);
    clock.now += 5000;
    health.picked();
    feed('neutral');
    expect([health.state, health.admits()]).toEqual(['half-open', true]);
  });

  it('a trial whose outcome never comes is given up after a whole backoff', () => {
    const { health, feed, clock } = subject();
    feed('failure', 5);
    clock.now += 5000;
    health.picked();
    clock.now += 4999;
    expect(health.admits()).toBe(false);
    clock.now += 1;
    expect(health.admits()).toBe(true);
  });

  it('never ejects for longer than the cap, even when the base is above it', () => {
    const { feed } = subject({ afterFailures: 1, baseMs: 90_000, maxMs: 60_000 });
    expect(feed('failure')).toMatchObject({ backoffMs: 60_000 });
  });
});
