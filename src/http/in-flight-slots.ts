/**
 * Objects in flight (responses, tunnel streams) held by something that outlives them (the
 * server, an agent's connection), in array slots that are emptied as they finish and reused.
 *
 * Not a Set or a Map: those make a new table every few dozen additions and removals, and V8
 * keeps an outgrown table's entries for the collection's iterators. Once such a table has
 * reached the old generation, the finished requests in it, and everything they reach, are kept
 * past every scavenge until the next full collection, and promoted in turn (docs/performance.md,
 * "Finished requests kept by outgrown tables"). The slots only ever grow to the most in flight
 * at once; the free list holds numbers, which keep nothing alive.
 */
export class InFlightSlots<T> {
  private readonly slots: (T | undefined)[] = [];
  private readonly free: number[] = [];
  private count = 0;

  /** Items held. */
  get size(): number {
    return this.count;
  }

  /** Holds `item`; returns its slot, for {@link remove}. */
  add(item: T): number {
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = item;
    this.count++;
    return slot;
  }

  get(slot: number): T | undefined {
    return this.slots[slot];
  }

  /**
   * Empties the slot; once per {@link add}. A slot already empty is left alone, but one that
   * was emptied and then given to another item would lose that item: a holder removes its own
   * slot once (on its `close`, say) and never keeps the number past that.
   */
  remove(slot: number): void {
    if (this.slots[slot] === undefined) return;
    this.slots[slot] = undefined;
    this.free.push(slot);
    this.count--;
  }

  /** The items held, in no particular order; removing while iterating is safe. */
  *values(): IterableIterator<T> {
    for (let slot = 0; slot < this.slots.length; slot++) {
      const item = this.slots[slot];
      if (item !== undefined) yield item;
    }
  }

  clear(): void {
    this.slots.length = 0;
    this.free.length = 0;
    this.count = 0;
  }
}
