import { RemoteVacancies } from './remote-vacancy.js';

const r = (host: string, path = '/') => ({ host, path });

describe('RemoteVacancies', () => {
  it('keeps a route that stopped being served vacant for the grace, from the moment it went', () => {
    const v = new RemoteVacancies(1000);
    expect(v.update([r('a.example'), r('b.example')], 0)).toEqual([]);
    expect(v.list()).toEqual([]);
    v.update([r('b.example')], 50);
    expect(v.list()).toEqual([{ route: r('a.example'), until: 1050 }]);
    // Later changes do not restart the grace.
    v.update([], 400);
    expect(v.untilOf(r('a.example'))).toBe(1050);
    expect(v.untilOf(r('b.example'))).toBe(1400);
    expect(v.nextExpiry).toBe(1050);
  });

  it('ends a vacancy when the route is served again, and says so once', () => {
    const v = new RemoteVacancies(1000);
    v.update([r('a.example')], 0);
    v.update([], 10);
    expect(v.update([r('a.example')], 20)).toEqual([r('a.example')]);
    expect(v.untilOf(r('a.example'))).toBeUndefined();
    expect(v.update([r('a.example')], 30)).toEqual([]);
  });

  it('forgets a vacancy at the end of its grace', () => {
    const v = new RemoteVacancies(1000);
    v.update([r('a.example', '/v1')], 0);
    v.update([], 0);
    expect(v.expire(999)).toEqual([]);
    expect(v.expire(1000)).toEqual([r('a.example', '/v1')]);
    expect(v.list()).toEqual([]);
    expect(v.nextExpiry).toBeUndefined();
    // Served again after its grace: nothing was waiting for it any more.
    expect(v.update([r('a.example', '/v1')], 2000)).toEqual([]);
  });

  it('keeps nothing without a grace, and never a route that was not served', () => {
    const none = new RemoteVacancies(0);
    none.update([r('a.example')], 0);
    none.update([], 1);
    expect(none.list()).toEqual([]);
    const v = new RemoteVacancies(1000);
    v.update([], 0);
    expect(v.list()).toEqual([]);
  });
});
