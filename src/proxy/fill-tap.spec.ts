import { FillTap } from './fill-tap.js';

/** A tap over `maxBytes` and a log of what it called. */
function tap(maxBytes: number): { tap: FillTap; calls: string[] } {
  const calls: string[] = [];
  const t = new FillTap(
    maxBytes,
    (body) => calls.push(`commit ${body.toString()}`),
    () => calls.push('abandon'),
  );
  return { tap: t, calls };
}

describe('FillTap', () => {
  it('commits the whole body once it ended complete', () => {
    const { tap: t, calls } = tap(10);
    t.push(Buffer.from('hello '));
    t.push(Buffer.from('you!'));
    t.end(true);
    t.end(true);
    expect(calls).toEqual(['commit hello you!']);
  });

  it('commits a body of exactly maxBytes, and an empty one', () => {
    const exact = tap(5);
    exact.tap.push(Buffer.from('12345'));
    exact.tap.end(true);
    expect(exact.calls).toEqual(['commit 12345']);
    const empty = tap(5);
    empty.tap.end(true);
    expect(empty.calls).toEqual(['commit ']);
  });

  it('abandons a body that ended incomplete', () => {
    const { tap: t, calls } = tap(10);
    t.push(Buffer.from('half'));
    t.end(false);
    expect(calls).toEqual(['abandon']);
  });

  // Regression: it abandoned only at the end, so requests collapsed behind an oversized
  // download waited for all of it.
  it('abandons as soon as the body outgrows maxBytes, and only once', () => {
    const { tap: t, calls } = tap(5);
    t.push(Buffer.from('1234'));
    expect(calls).toEqual([]);
    t.push(Buffer.from('56'));
    expect(calls).toEqual(['abandon']);
    t.push(Buffer.from('78'));
    t.end(true);
    expect(calls).toEqual(['abandon']);
  });
});
