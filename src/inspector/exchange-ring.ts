/**
 * The most recent items, at most `capacity` of them: pushing into a full ring drops the
 * oldest. Lookup by id is O(1) through a map that evictions keep in sync, so an evicted item
 * is not found and not kept alive.
 */
export class ExchangeRing<T extends { readonly id: string }> {
  private readonly slots: (T | undefined)[];
  private readonly byId = new Map<string, T>();
  /** Slot the next push writes to; once full, also the oldest item's slot. */
  private next = 0;
  private count = 0;

  /** @param capacity how many items are held at most (0: none are). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`ring capacity must be a whole number ≥ 0, not ${capacity}`);
    }
    this.slots = new Array<T | undefined>(capacity);
  }

  /** Items held. */
  get size(): number {
    return this.count;
  }

  /** Adds an item as the newest, dropping the oldest when full. */
  push(item: T): void {
    if (this.capacity === 0) return;
    const evicted = this.slots[this.next];
    // Ids are meant to be unique; if one repeats, the newer item keeps the mapping.
    if (evicted && this.byId.get(evicted.id) === evicted) this.byId.delete(evicted.id);
    this.slots[this.next] = item;
    this.byId.set(item.id, item);
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The held item with this id, if any. */
  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /**
   * The held items, newest first. Lazy, so a caller that wants only the first few matches
   * stops early; take what you need before pushing again.
   */
  *newestFirst(): IterableIterator<T> {
    for (let back = 1; back <= this.count; back++) {
      yield this.slots[(this.next - back + this.capacity) % this.capacity] as T;
    }
  }

  /** Drops every item. */
  clear(): void {
    this.slots.fill(undefined);
    this.byId.clear();
    this.next = 0;
    this.count = 0;
  }
}
