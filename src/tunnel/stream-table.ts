import { InFlightSlots } from '../http/in-flight-slots.js';

/**
 * The open streams of one connection by stream id, with a Map's `get`, `set`, `delete`, `size`,
 * `values` and `clear`. The streams themselves are in {@link InFlightSlots}, not in the Map's
 * table: a connection lives for hours and its streams for milliseconds. The Map holds only ids
 * and slot numbers.
 */
export class StreamTable<T> {
  private readonly slotOf = new Map<number, number>();
  private readonly held = new InFlightSlots<T>();

  get size(): number {
    return this.slotOf.size;
  }

  get(id: number): T | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.held.get(slot);
  }

  /** As a Map's: an id set again keeps its place in {@link values}. */
  set(id: number, stream: T): this {
    const slot = this.slotOf.get(id);
    if (slot !== undefined) this.held.remove(slot);
    this.slotOf.set(id, this.held.add(stream));
    return this;
  }

  delete(id: number): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.held.remove(slot);
    return true;
  }

  /** The streams, in the order they were added. */
  *values(): IterableIterator<T> {
    for (const slot of this.slotOf.values()) yield this.held.get(slot)!;
  }

  clear(): void {
    this.slotOf.clear();
    this.held.clear();
  }
}
