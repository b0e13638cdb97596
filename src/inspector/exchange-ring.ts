/**
 * The most recent items, at most `capacity` of them: pushing into a full ring drops the
 * oldest, and nothing else keeps it alive. A push (one per proxied request) is a slot write;
 * a lookup by id (a person opening one exchange) scans from the newest, which is where such
 * lookups nearly always land.
 */
export class ExchangeRing<T extends { readonly id: string }> {
  private readonly slots: (T | undefined)[];
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
    this.slots[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The held item with this id, if any; ids are meant to be unique, and if one repeats, the newer item. */
  get(id: string): T | undefined {
    for (const item of this.newestFirst()) if (item.id === id) return item;
    return undefined;
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
    this.next = 0;
    this.count = 0;
  }
}
