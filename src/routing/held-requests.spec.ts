import { HeldRequests } from './held-requests.js';

describe('HeldRequests', () => {
  it('hands members to waiting requests in arrival order, one pick each', async () => {
    const held = new HeldRequests<string>(10);
    const holds = [held.hold()!, held.hold()!, held.hold()!];
    const members = ['m1', 'm2'];
    held.wake(() => members.shift());
    expect(held.size).toBe(1);
    expect(await Promise.all(holds.slice(0, 2).map((h) => h.member))).toEqual(['m1', 'm2']);
    held.wake(() => 'm3');
    expect(await holds[2]!.member).toBe('m3');
    expect(held.size).toBe(0);
  });

  it('stops waking as soon as no member is left', () => {
    const held = new HeldRequests<string>(10);
    held.hold();
    held.hold();
    let picks = 0;
    held.wake(() => {
      picks++;
      return undefined;
    });
    expect([picks, held.size]).toEqual([1, 2]);
  });

  it('refuses a hold past its limit, and none at all with a limit of 0', () => {
    const two = new HeldRequests<string>(2);
    expect([two.hold(), two.hold(), two.hold()].map((h) => h !== undefined)).toEqual([true, true, false]);
    expect(new HeldRequests<string>(0).hold()).toBeUndefined();
  });

  it('a released hold settles without a member, frees its place and is never woken', async () => {
    const held = new HeldRequests<string>(1);
    const hold = held.hold()!;
    hold.release();
    hold.release();
    expect(await hold.member).toBeUndefined();
    expect(held.size).toBe(0);
    const next = held.hold()!;
    held.wake(() => 'm');
    expect(await next.member).toBe('m');
  });

  it('releaseAll settles every waiting request without a member', async () => {
    const held = new HeldRequests<string>(5);
    const holds = [held.hold()!, held.hold()!];
    held.releaseAll();
    expect(await Promise.all(holds.map((h) => h.member))).toEqual([undefined, undefined]);
    expect(held.size).toBe(0);
  });
});
