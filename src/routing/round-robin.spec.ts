import type { MemberTraits } from './balancer.js';
import { RoundRobin } from './round-robin.js';

const always = () => true;

function weighted(weights: Record<string, number>): MemberTraits<string> {
  return { id: String, weight: (m) => weights[m] ?? 1, inFlight: () => 0 };
}

function run(balancer: RoundRobin<string>, members: string[], times: number, isEligible: (m: string) => boolean = always): string {
  return Array.from({ length: times }, () => balancer.pick(members, isEligible) ?? '-').join('');
}

function counts(sequence: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const member of sequence) out[member] = (out[member] ?? 0) + 1;
  return out;
}

describe('RoundRobin', () => {
  it.each<[string, Record<string, number>, string[], number, string]>([
    ['equal weights rotate in registration order', {}, ['a', 'b', 'c'], 7, 'abcabca'],
    ['explicit weights of 1 are the same rotation', { a: 1, b: 1 }, ['a', 'b'], 4, 'abab'],
    ['3:1 interleaves', { a: 3 }, ['a', 'b'], 8, 'aabaaaba'],
    ['5:1:1 is smooth, not bunched', { a: 5 }, ['a', 'b', 'c'], 7, 'aabacaa'],
    ['2:3 favours the heavier', { a: 2, b: 3 }, ['a', 'b'], 5, 'babab'],
    ['no members', {}, [], 2, '--'],
  ])('%s', (_name, weights, members, times, expected) => {
    expect(run(new RoundRobin(weighted(weights)), members, times)).toBe(expected);
  });

  it.each<[Record<string, number>, number]>([
    [{ a: 3, b: 1 }, 400],
    [{ a: 1, b: 2, c: 7 }, 1000],
    [{ a: 100, b: 1 }, 1010],
  ])('weights %j give exact shares over %i picks', (weights, times) => {
    const members = Object.keys(weights);
    const total = members.reduce((sum, m) => sum + weights[m]!, 0);
    const got = counts(run(new RoundRobin(weighted(weights)), members, times));
    for (const member of members) expect(got[member]).toBe((times / total) * weights[member]!);
  });

  it('a weighted pool passes over the ineligible and shares among the rest by weight', () => {
    const got = counts(run(new RoundRobin(weighted({ a: 3, b: 1, c: 2 })), ['a', 'b', 'c'], 400, (m) => m !== 'c'));
    expect(got).toEqual({ a: 300, b: 100 });
  });

  it('forgets the credit of a member that left', () => {
    const balancer = new RoundRobin(weighted({ a: 3 }));
    const members = ['a', 'b', 'c'];
    run(balancer, members, 3);
    members.splice(0, 1);
    balancer.removed(0, 'a', members);
    expect(counts(run(balancer, members, 10))).toEqual({ b: 5, c: 5 });
  });
});
