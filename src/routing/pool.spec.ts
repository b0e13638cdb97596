import { Pool } from './pool.js';

function poolOf(...members: string[]): Pool<string> {
  const pool = new Pool<string>('example.com', '/', 'key-a');
  for (const member of members) pool.addMember(member);
  return pool;
}

const always = () => true;

function picks(pool: Pool<string>, times: number, isEligible: (m: string) => boolean = always): (string | undefined)[] {
  return Array.from({ length: times }, () => pool.pick(isEligible));
}

describe('Pool', () => {
  it('keeps its route and owner', () => {
    const pool = new Pool<string>('*.example.com', '/api', 'key-a');
    expect([pool.host, pool.path, pool.ownerKeyId, pool.size]).toEqual(['*.example.com', '/api', 'key-a', 0]);
  });

  it('keeps members in registration order and ignores a second add of the same member', () => {
    const pool = poolOf('a', 'b');
    expect(pool.addMember('a')).toBe(false);
    expect(pool.members).toEqual(['a', 'b']);
  });

  it.each<[string, string[], (m: string) => boolean, number, (string | undefined)[]]>([
    ['empty pool', [], always, 2, [undefined, undefined]],
    ['one member', ['a'], always, 3, ['a', 'a', 'a']],
    ['round robin', ['a', 'b', 'c'], always, 7, ['a', 'b', 'c', 'a', 'b', 'c', 'a']],
    ['skips the draining', ['a', 'b', 'c'], (m) => m !== 'b', 4, ['a', 'c', 'a', 'c']],
    ['only one eligible', ['a', 'b', 'c'], (m) => m === 'c', 3, ['c', 'c', 'c']],
    ['none eligible', ['a', 'b'], () => false, 2, [undefined, undefined]],
  ])('pick: %s', (_name, members, isEligible, times, expected) => {
    expect(picks(poolOf(...members), times, isEligible)).toEqual(expected);
  });

  it('resumes after the last pick when eligibility changes', () => {
    const pool = poolOf('a', 'b', 'c');
    const draining = new Set<string>();
    const eligible = (m: string) => !draining.has(m);
    expect(picks(pool, 1, eligible)).toEqual(['a']);
    draining.add('b');
    expect(picks(pool, 2, eligible)).toEqual(['c', 'a']);
    draining.delete('b');
    expect(picks(pool, 3, eligible)).toEqual(['b', 'c', 'a']);
  });

  it.each<[string, string, (string | undefined)[]]>([
    // After picking 'a' and 'b', 'c' is next.
    ['a member already picked', 'a', ['c', 'b', 'c']],
    ['the member picked last', 'b', ['c', 'a', 'c']],
    ['the member due next', 'c', ['a', 'b', 'a']],
  ])('removing %s keeps the rotation fair', (_name, removed, expected) => {
    const pool = poolOf('a', 'b', 'c');
    picks(pool, 2);
    expect(pool.removeMember(removed)).toBe(true);
    expect(picks(pool, 3)).toEqual(expected);
  });

  it('removing the last-positioned member wraps to the first', () => {
    const pool = poolOf('a', 'b', 'c');
    picks(pool, 2); // next is 'c'
    pool.removeMember('c');
    expect(picks(pool, 2)).toEqual(['a', 'b']);
  });

  it('removing an absent member reports false', () => {
    expect(poolOf('a').removeMember('z')).toBe(false);
  });
});
