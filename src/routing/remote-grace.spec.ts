import { RemoteGrace } from './remote-grace.js';

const route = { host: 'h', path: '/' };

describe('RemoteGrace', () => {
  it('routes every waiting request again when woken, in arrival order', async () => {
    const grace = new RemoteGrace(10);
    const order: string[] = [];
    const first = grace.hold(route, 10_000)!;
    const second = grace.hold({ host: 'g', path: '/' }, 10_000)!;
    void first.member.then((woken) => order.push(`first ${woken}`));
    void second.member.then((woken) => order.push(`second ${woken}`));
    expect(grace.heldTotal).toBe(2);
    grace.wakeAll();
    await Promise.all([first.member, second.member]);
    expect(order).toEqual(['first true', 'second true']);
    expect(grace.heldTotal).toBe(0);
  });

  it('lets a request wait no longer than it may', async () => {
    const grace = new RemoteGrace(10);
    expect(grace.hold(route, 0)).toBeUndefined();
    const hold = grace.hold(route, 20)!;
    expect(await hold.member).toBeUndefined();
    expect(grace.heldTotal).toBe(0);
  });

  it('holds at most the limit per route, and releases them all on close', async () => {
    const grace = new RemoteGrace(1);
    const held = grace.hold(route, 10_000)!;
    expect(grace.hold(route, 10_000)).toBeUndefined();
    const other = grace.hold({ host: 'h', path: '/api' }, 10_000)!;
    grace.close();
    expect(await held.member).toBeUndefined();
    expect(await other.member).toBeUndefined();
  });

  it('forgets a request whose client left', async () => {
    const grace = new RemoteGrace(1);
    const hold = grace.hold(route, 10_000)!;
    hold.release();
    expect(await hold.member).toBeUndefined();
    expect(grace.hold(route, 10_000)).toBeDefined();
    grace.close();
  });
});
