import { UncacheableMemo } from './uncacheable-memo.js';

describe('UncacheableMemo', () => {
  it('remembers a key until its time is up', () => {
    const memo = new UncacheableMemo(1000);
    memo.remember('k', 0);
    expect(memo.has('k', 999)).toBe(true);
    expect(memo.has('k', 1000)).toBe(false);
    expect(memo.has('k', 500)).toBe(false); // expired entries are dropped, not revived
  });

  it('forgets a key on request, and never knew others', () => {
    const memo = new UncacheableMemo(1000);
    memo.remember('a', 0);
    memo.forget('a');
    expect(memo.has('a', 1)).toBe(false);
    expect(memo.has('b', 1)).toBe(false);
  });

  it('stays within its bound by starting over', () => {
    const memo = new UncacheableMemo(1000, 2);
    memo.remember('a', 0);
    memo.remember('b', 0);
    memo.remember('c', 0);
    expect([memo.has('a', 1), memo.has('b', 1), memo.has('c', 1)]).toEqual([false, false, true]);
  });
});
