import type { EjectionPolicy } from './member-health.js';
import { Pool } from './pool.js';
import { PoolHealth } from './pool-health.js';

const policy: EjectionPolicy = { afterFailures: 2, baseMs: 1000, maxMs: 8000 };

interface Member {
  readonly id: string;
  accepting: boolean;
}

function setup(...ids: string[]) {
  const clock = { now: 0 };
  const members = ids.map((id): Member => ({ id, accepting: true }));
  const pool = new Pool<Member>('example.com', '/', 'key-a');
  for (const member of members) pool.addMember(member);
  const health = new PoolHealth<Member>((m) => m.accepting, policy, () => clock.now);
  const pick = (times = 1) => Array.from({ length: times }, () => health.pick(pool)?.id ?? '-').join('');
  const byId = (id: string) => members.find((m) => m.id === id)!;
  return { clock, members, pool, health, pick, byId };
}

describe('PoolHealth', () => {
  it('passes over an ejected member and the rest serve everything', () => {
    const { health, pick, byId } = setup('a', 'b', 'c');
    health.record(byId('b'), 'failure');
    expect(health.record(byId('b'), 'failure')?.kind).toBe('ejected');
    expect(pick(6)).toBe('acacac');
  });

  it('gives the half-open member one trial, then back in on success', () => {
    const { health, pick, byId, clock } = setup('a', 'b');
    health.record(byId('b'), 'failure');
    health.record(byId('b'), 'failure');
    expect(pick(2)).toBe('aa');
    clock.now = 1000;
    expect(pick(4)).toBe('baaa'); // one trial for b, then a alone while it is out
    expect(health.record(byId('b'), 'success')).toEqual({ kind: 'returned' });
    expect(pick(4)).toBe('baba');
  });

  it('a failed trial ejects it again for twice as long', () => {
    const { health, pick, byId, clock } = setup('a', 'b');
    health.record(byId('b'), 'failure');
    health.record(byId('b'), 'failure');
    clock.now = 1000;
    expect(pick(2)).toBe('ab');
    expect(health.record(byId('b'), 'failure')).toMatchObject({ kind: 'ejected', untilMs: 3000, backoffMs: 2000 });
    clock.now = 2999;
    expect(pick(3)).toBe('aaa');
  });

  it('uses every member again when every member is ejected', () => {
    const { health, pick, byId } = setup('a', 'b');
    for (const id of ['a', 'b']) for (let i = 0; i < 2; i++) health.record(byId(id), 'failure');
    expect(pick(4)).toBe('abab');
  });

  it('counts as "every member ejected" when the only others cannot take streams', () => {
    const { health, pick, byId } = setup('a', 'b');
    byId('a').accepting = false;
    health.record(byId('b'), 'failure');
    health.record(byId('b'), 'failure');
    expect(pick(2)).toBe('bb');
  });

  it('still answers none when no member accepts streams at all', () => {
    const { pick, members } = setup('a', 'b');
    for (const member of members) member.accepting = false;
    expect(pick(2)).toBe('--');
  });

  it('keeps no record for members that only succeed', () => {
    const { health, byId } = setup('a');
    expect(health.record(byId('a'), 'success')).toBeUndefined();
    expect(health.peek(byId('a'))).toBeUndefined();
  });
});
