import type { Balancer, MemberTraits } from './balancer.js';
import { RoundRobin } from './round-robin.js';
import { affinityOf, cookieValue, Sticky } from './sticky.js';

const always = () => true;

function traits(weights: Record<string, number> = {}): MemberTraits<string> {
  return { id: String, weight: (m) => weights[m] ?? 1, inFlight: () => 0 };
}

function sticky(weights?: Record<string, number>): Balancer<string> {
  return new Sticky(new RoundRobin<string>(), traits(weights));
}

const users = Array.from({ length: 3000 }, (_, i) => `user-${i}`);

function assignment(balancer: Balancer<string>, members: string[], isEligible: (m: string) => boolean = always) {
  return new Map(users.map((user) => [user, balancer.pick(members, isEligible, user)!]));
}

describe('Sticky', () => {
  it('maps the same value to the same member, pick after pick', () => {
    const balancer = sticky();
    const first = assignment(balancer, ['a', 'b', 'c']);
    expect(assignment(balancer, ['a', 'b', 'c'])).toEqual(first);
  });

  it('does not depend on the order of the members', () => {
    expect(assignment(sticky(), ['c', 'a', 'b'])).toEqual(assignment(sticky(), ['a', 'b', 'c']));
  });

  it('spreads values evenly (each of 3 members within 10 % of a third)', () => {
    const shares: Record<string, number> = {};
    for (const member of assignment(sticky(), ['a', 'b', 'c']).values()) shares[member] = (shares[member] ?? 0) + 1;
    for (const member of ['a', 'b', 'c']) expect(Math.abs(shares[member]! - 1000)).toBeLessThan(100);
  });

  it('spreads values by weight (3:1 within 10 %)', () => {
    const shares: Record<string, number> = {};
    for (const member of assignment(sticky({ a: 3 }), ['a', 'b']).values()) shares[member] = (shares[member] ?? 0) + 1;
    expect(shares.a! / shares.b!).toBeGreaterThan(2.7);
    expect(shares.a! / shares.b!).toBeLessThan(3.3);
  });

  it.each<[string, string[], (m: string) => boolean]>([
    ['leaves the pool', ['a', 'c'], always],
    ['is not eligible (ejected, draining)', ['a', 'b', 'c'], (m) => m !== 'b'],
  ])('moves only the values of a member that %s', (_name, after, isEligible) => {
    const balancer = sticky();
    const before = assignment(balancer, ['a', 'b', 'c']);
    const now = assignment(balancer, after, isEligible);
    for (const user of users) {
      if (before.get(user) !== 'b') expect(now.get(user)).toBe(before.get(user));
      else expect(now.get(user)).not.toBe('b');
    }
  });

  it('a joining member takes about its share, only from the others', () => {
    const balancer = sticky();
    const before = assignment(balancer, ['a', 'b', 'c']);
    const now = assignment(balancer, ['a', 'b', 'c', 'd']);
    let moved = 0;
    for (const user of users) {
      if (now.get(user) === before.get(user)) continue;
      expect(now.get(user)).toBe('d');
      moved++;
    }
    expect(Math.abs(moved - 750)).toBeLessThan(100);
  });

  it('leaves a request without a value to the inner balancer', () => {
    const balancer = sticky();
    expect([1, 2, 3, 4].map(() => balancer.pick(['a', 'b'], always))).toEqual(['a', 'b', 'a', 'b']);
  });

  it('answers undefined when no member is eligible', () => {
    expect(sticky().pick(['a', 'b'], () => false, 'user-1')).toBeUndefined();
  });
});

describe('affinityOf', () => {
  it.each<[string, Parameters<typeof affinityOf>[0], Record<string, string | string[] | undefined>, string | undefined]>([
    ['a header', { header: 'x-user' }, { 'x-user': 'alice' }, 'alice'],
    ['a missing header', { header: 'x-user' }, {}, undefined],
    ['an empty header', { header: 'x-user' }, { 'x-user': '' }, undefined],
    ['a repeated header, joined', { header: 'x-user' }, { 'x-user': ['a', 'b'] }, 'a, b'],
    ['a cookie', { cookie: 'sid' }, { cookie: 'theme=dark; sid=abc123; lang=en' }, 'abc123'],
    ['a cookie in several fields', { cookie: 'sid' }, { cookie: ['theme=dark', 'sid=xyz'] }, 'xyz'],
    ['no Cookie field', { cookie: 'sid' }, {}, undefined],
  ])('%s', (_name, source, headers, expected) => {
    expect(affinityOf(source, headers)).toBe(expected);
  });
});

describe('cookieValue', () => {
  it.each<[string | undefined, string, string | undefined]>([
    ['sid=abc', 'sid', 'abc'],
    ['a=1;sid=abc', 'sid', 'abc'],
    ['a=1;  sid = abc ', 'sid', 'abc'],
    ['sid="quoted"', 'sid', 'quoted'],
    ['sid=first; sid=second', 'sid', 'first'],
    ['xsid=abc', 'sid', undefined],
    ['sidx=abc', 'sid', undefined],
    ['sid=', 'sid', undefined],
    ['sid', 'sid', undefined],
    ['sid=a=b', 'sid', 'a=b'],
    [undefined, 'sid', undefined],
  ])('%j, %s → %j', (field, name, expected) => {
    expect(cookieValue(field, name)).toBe(expected);
  });
});
