import type { MemberTraits } from './balancer.js';
import { LeastRequests } from './least-requests.js';

const always = () => true;

function traits(inFlight: Record<string, number>, weights: Record<string, number> = {}): MemberTraits<string> {
  return { id: String, weight: (m) => weights[m] ?? 1, inFlight: (m) => inFlight[m] ?? 0 };
}

/** A deterministic stand-in for Math.random: a small LCG. */
function seeded(seed = 42): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function counts(balancer: LeastRequests<string>, members: string[], times: number, isEligible: (m: string) => boolean = always) {
  const out: Record<string, number> = {};
  for (let i = 0; i < times; i++) {
    const member = balancer.pick(members, isEligible) ?? '-';
    out[member] = (out[member] ?? 0) + 1;
  }
  return out;
}

describe('LeastRequests', () => {
  it.each<[string, string[], Record<string, number>, (m: string) => boolean, string | undefined]>([
    ['no members', [], {}, always, undefined],
    ['one member, however busy', ['a'], { a: 50 }, always, 'a'],
    ['of two, the idle one', ['a', 'b'], { a: 3, b: 0 }, always, 'b'],
    ['of two, the less busy one', ['a', 'b'], { a: 2, b: 7 }, always, 'a'],
    ['the only eligible, though busier', ['a', 'b'], { a: 9, b: 0 }, (m) => m === 'a', 'a'],
    ['none eligible', ['a', 'b'], {}, () => false, undefined],
  ])('%s', (_name, members, inFlight, isEligible, expected) => {
    const balancer = new LeastRequests(traits(inFlight), seeded());
    for (let i = 0; i < 20; i++) expect(balancer.pick(members, isEligible)).toBe(expected);
  });

  it('never picks the busiest of three (two distinct choices always include a less busy one)', () => {
    const got = counts(new LeastRequests(traits({ a: 0, b: 1, c: 5 }), seeded()), ['a', 'b', 'c'], 3000);
    expect(got.c).toBeUndefined();
    // a wins whenever drawn (2 of 3 pairs); b only in the pair (b, c).
    expect(got.a! / 3000).toBeCloseTo(2 / 3, 1);
  });

  it('shares an idle pool evenly', () => {
    const got = counts(new LeastRequests(traits({}), seeded()), ['a', 'b', 'c'], 3000);
    for (const member of ['a', 'b', 'c']) expect(Math.abs(got[member]! - 1000)).toBeLessThan(100);
  });

  it('shares an idle pool by weight (3:1 within 10 %)', () => {
    const got = counts(new LeastRequests(traits({}, { a: 3, b: 1 }), seeded()), ['a', 'b'], 4000);
    expect(got.a! / got.b!).toBeGreaterThan(2.7);
    expect(got.a! / got.b!).toBeLessThan(3.3);
  });

  it('compares in-flight per weight: 4 in flight on weight 4 is lighter than 2 on weight 1', () => {
    const balancer = new LeastRequests(traits({ a: 4, b: 2 }, { a: 4, b: 1 }), seeded());
    expect(counts(balancer, ['a', 'b'], 100)).toEqual({ a: 100 });
  });
});
