import { RateBudget } from './rate-budget.js';

describe('RateBudget', () => {
  it('allows a burst, then refuses until time refills it at the given rate', () => {
    let now = 0;
    const budget = new RateBudget(3, 2, () => now);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    now = 499; // 0.998 of a token
    expect(budget.take()).toBe(false);
    now = 1000; // a refused call spends nothing: two tokens in one second at 2 per second
    expect([budget.take(), budget.take(), budget.take()]).toEqual([true, true, false]);
  });

  it('never holds more than the burst, however long it was idle', () => {
    let now = 0;
    const budget = new RateBudget(2, 100, () => now);
    now = 60_000;
    expect([budget.take(), budget.take(), budget.take()]).toEqual([true, true, false]);
  });
});
