import { InFlightSlots } from './in-flight-slots.js';

describe('InFlightSlots', () => {
  it('holds items until removed, and counts them', () => {
    const slots = new InFlightSlots<string>();
    const a = slots.add('a');
    const b = slots.add('b');
    expect(slots.size).toBe(2);
    expect(slots.get(a)).toBe('a');
    slots.remove(a);
    expect(slots.size).toBe(1);
    expect(slots.get(a)).toBeUndefined();
    expect([...slots.values()]).toEqual(['b']);
    expect(slots.get(b)).toBe('b');
  });

  it('reuses emptied slots, so its array grows only to the most held at once', () => {
    const slots = new InFlightSlots<object>();
    const held: number[] = [];
    for (let round = 0; round < 1000; round++) {
      for (let i = 0; i < 3; i++) held.push(slots.add({ round }));
      while (held.length > 0) slots.remove(held.pop()!);
    }
    const more = [slots.add({}), slots.add({}), slots.add({}), slots.add({})];
    expect([...more].sort()).toEqual([0, 1, 2, 3]);
  });

  it('leaves an already emptied slot alone, so a second remove cannot free a slot twice', () => {
    const slots = new InFlightSlots<string>();
    const a = slots.add('a');
    slots.remove(a);
    slots.remove(a);
    expect(slots.size).toBe(0);
    const b = slots.add('b');
    const c = slots.add('c');
    expect(b).not.toBe(c);
    expect([...slots.values()].sort()).toEqual(['b', 'c']);
  });

  it('lets an item be removed while the items are iterated', () => {
    const slots = new InFlightSlots<string>();
    const ids = ['a', 'b', 'c'].map((x) => slots.add(x));
    const seen: string[] = [];
    for (const item of slots.values()) {
      seen.push(item);
      slots.remove(ids[1]);
    }
    expect(seen).toEqual(['a', 'c']);
    expect(slots.size).toBe(2);
  });

  it('empties on clear and fills again from the first slot', () => {
    const slots = new InFlightSlots<string>();
    slots.add('a');
    slots.add('b');
    slots.clear();
    expect(slots.size).toBe(0);
    expect([...slots.values()]).toEqual([]);
    expect(slots.add('c')).toBe(0);
  });
});
