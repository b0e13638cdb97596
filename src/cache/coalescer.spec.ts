import { jest } from '@jest/globals';
import { MissCoalescer } from './coalescer.js';

describe('MissCoalescer (RFC 9111 §4 collapsed requests, RFC 9211 §2.6)', () => {
  afterEach(() => jest.useRealTimers());

  it('makes the first miss the leader and the others wait for its release', async () => {
    const coalescer = new MissCoalescer(5000);
    const first = coalescer.join('k');
    const second = coalescer.join('k');
    const third = coalescer.join('k');
    expect(first.leader).toBe(true);
    expect(second.leader).toBe(false);
    expect(third.leader).toBe(false);
    if (!first.leader || second.leader || third.leader) throw new Error('roles');
    first.release();
    await expect(second.settled).resolves.toBe(true);
    await expect(third.settled).resolves.toBe(true);
    expect(coalescer.inFlight).toBe(0);
  });

  it('keeps keys apart', () => {
    const coalescer = new MissCoalescer(5000);
    expect(coalescer.join('a').leader).toBe(true);
    expect(coalescer.join('b').leader).toBe(true);
  });

  it('lets a follower go after the timeout, and a later release does not touch it', async () => {
    jest.useFakeTimers();
    const coalescer = new MissCoalescer(100);
    const leader = coalescer.join('k');
    const follower = coalescer.join('k');
    if (!leader.leader || follower.leader) throw new Error('roles');
    jest.advanceTimersByTime(100);
    await expect(follower.settled).resolves.toBe(false);
    leader.release();
  });

  it('after a release the next miss leads again', () => {
    const coalescer = new MissCoalescer(5000);
    const first = coalescer.join('k');
    if (!first.leader) throw new Error('roles');
    first.release();
    expect(coalescer.join('k').leader).toBe(true);
  });

  it('regression: a second release does not release the next leader\'s followers', async () => {
    const coalescer = new MissCoalescer(5000);
    const first = coalescer.join('k');
    if (!first.leader) throw new Error('roles');
    first.release();
    const next = coalescer.join('k');
    const follower = coalescer.join('k');
    if (!next.leader || follower.leader) throw new Error('roles');
    first.release();
    let settled = false;
    void follower.settled.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    next.release();
    await expect(follower.settled).resolves.toBe(true);
  });

  it('with a timeout of 0 everyone leads (collapsing off)', () => {
    const coalescer = new MissCoalescer(0);
    expect(coalescer.join('k').leader).toBe(true);
    expect(coalescer.join('k').leader).toBe(true);
    expect(coalescer.inFlight).toBe(0);
  });
});
