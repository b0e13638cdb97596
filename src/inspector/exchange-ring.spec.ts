import { ExchangeRing } from './exchange-ring.js';

const item = (id: string) => ({ id });
const ids = (ring: ExchangeRing<{ id: string }>) => [...ring.newestFirst()].map((x) => x.id);

describe('ExchangeRing', () => {
  it('holds items newest first until full', () => {
    const ring = new ExchangeRing(3);
    ring.push(item('a'));
    ring.push(item('b'));
    expect(ids(ring)).toEqual(['b', 'a']);
    expect(ring.size).toBe(2);
    expect(ring.capacity).toBe(3);
  });

  it('drops the oldest when full, and no longer finds it by id', () => {
    const ring = new ExchangeRing(3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) ring.push(item(id));
    expect(ids(ring)).toEqual(['e', 'd', 'c']);
    expect(ring.size).toBe(3);
    expect(ring.get('a')).toBeUndefined();
    expect(ring.get('b')).toBeUndefined();
    expect(ring.get('c')).toEqual({ id: 'c' });
    expect(ring.get('e')).toEqual({ id: 'e' });
  });

  it('keeps the newer item findable when an id repeats and the older one is evicted', () => {
    const ring = new ExchangeRing<{ id: string; n: number }>(2);
    ring.push({ id: 'x', n: 1 });
    ring.push({ id: 'x', n: 2 });
    ring.push({ id: 'y', n: 3 });
    expect(ring.get('x')).toEqual({ id: 'x', n: 2 });
  });

  it('holds one item with capacity 1', () => {
    const ring = new ExchangeRing(1);
    ring.push(item('a'));
    ring.push(item('b'));
    expect(ids(ring)).toEqual(['b']);
    expect(ring.get('a')).toBeUndefined();
  });

  it('holds nothing with capacity 0', () => {
    const ring = new ExchangeRing(0);
    ring.push(item('a'));
    expect(ring.size).toBe(0);
    expect(ids(ring)).toEqual([]);
    expect(ring.get('a')).toBeUndefined();
  });

  it('empties on clear and fills again', () => {
    const ring = new ExchangeRing(2);
    ring.push(item('a'));
    ring.push(item('b'));
    ring.push(item('c'));
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ids(ring)).toEqual([]);
    expect(ring.get('c')).toBeUndefined();
    ring.push(item('d'));
    expect(ids(ring)).toEqual(['d']);
  });

  it.each([-1, 1.5, Number.NaN])('refuses capacity %p', (capacity) => {
    expect(() => new ExchangeRing(capacity)).toThrow(RangeError);
  });
});
