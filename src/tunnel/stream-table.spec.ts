import { StreamTable } from './stream-table.js';

describe('StreamTable', () => {
  it('finds streams by id until deleted', () => {
    const table = new StreamTable<string>();
    table.set(1, 'one').set(3, 'three');
    expect(table.size).toBe(2);
    expect(table.get(3)).toBe('three');
    expect(table.delete(1)).toBe(true);
    expect(table.delete(1)).toBe(false);
    expect(table.get(1)).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it('lists streams in the order they were added, after slots were reused', () => {
    const table = new StreamTable<string>();
    table.set(1, 'a').set(3, 'b').set(5, 'c');
    table.delete(1);
    table.set(7, 'd'); // takes the slot stream 1 left
    expect([...table.values()]).toEqual(['b', 'c', 'd']);
  });

  it('replaces the stream of an id set again, without a second entry', () => {
    const table = new StreamTable<string>();
    table.set(1, 'a').set(1, 'b');
    expect(table.size).toBe(1);
    expect([...table.values()]).toEqual(['b']);
  });

  it('empties on clear', () => {
    const table = new StreamTable<string>();
    table.set(1, 'a').set(3, 'b');
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get(1)).toBeUndefined();
    expect([...table.values()]).toEqual([]);
  });
});
