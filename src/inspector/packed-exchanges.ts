import type { ExchangeReport } from '../exchange/index.js';
import type { InspectedExchange } from './inspected-exchange.js';
import { copyRefs, readRecord, recordPage, recordStart, writeRecord, type RecordPage, type RecordRefs } from './packed-record.js';

/** Bytes of one page of records: a few dozen typical exchanges. */
export const PAGE_BYTES = 64 * 1024;

interface Page extends RecordPage {
  /** Held records written in this page. */
  live: number;
}

/** Per slot: the values kept by reference (packed-record.ts), and the whole report when it did not fit a page. */
interface SlotRefs extends RecordRefs {
  replayOf?: string;
  whole?: ExchangeReport;
}

/**
 * The inspector's last `capacity` exchanges, each packed into bytes as it finishes
 * (packed-record.ts) and read back into a report only when someone looks.
 *
 * Records are appended to 64 KiB pages in order, and dropped in the same order as newer ones
 * replace them, so a page is freed (or kept as the one spare) once its last record is gone:
 * the memory held is what the records take, plus a page or two. A record larger than a page
 * (a head of more than 64 KiB) is kept as the report itself.
 */
export class PackedExchanges {
  private readonly ids: Float64Array;
  /** Page of each slot's record; -1: the report is kept whole. */
  private readonly pageOf: Int32Array;
  private readonly offsetOf: Int32Array;
  private readonly refs: SlotRefs[];
  private readonly pages = new Map<number, Page>();
  private current: { number: number; page: Page } | undefined;
  private writeAt = 0;
  private pagesMade = 0;
  private spare: Page | undefined;
  /** Slot the next push writes to; once full, also the oldest record's slot. */
  private next = 0;
  private count = 0;

  /** @param capacity how many exchanges are held at most (0: none are). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`inspector capacity must be a whole number ≥ 0, not ${capacity}`);
    }
    this.ids = new Float64Array(capacity);
    this.pageOf = new Int32Array(capacity);
    this.offsetOf = new Int32Array(capacity);
    this.refs = Array.from({ length: capacity }, () => ({}));
  }

  /** Exchanges held. */
  get size(): number {
    return this.count;
  }

  /** Pages of record bytes allocated now (the spare included): for tests of the memory bound. */
  get pagesHeld(): number {
    return this.pages.size + (this.spare ? 1 : 0);
  }

  /** Holds a finished exchange as the newest, dropping the oldest when full. */
  push(id: number, report: ExchangeReport, replayOf?: string): void {
    if (this.capacity === 0) return;
    const slot = this.next;
    if (this.count === this.capacity) this.release(slot);
    this.ids[slot] = id;
    const refs = this.refs[slot];
    copyRefs(report, refs);
    refs.replayOf = replayOf;
    if (!this.packs(slot, report)) {
      this.pageOf[slot] = -1;
      refs.whole = report;
    }
    this.next = (slot + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The held exchange with this id, if any. */
  get(id: string): InspectedExchange | undefined {
    const wanted = Number(id);
    if (String(wanted) !== id) return undefined;
    for (let back = 1; back <= this.count; back++) {
      const slot = this.slotBack(back);
      if (this.ids[slot] === wanted) return this.read(slot);
    }
    return undefined;
  }

  /** The held exchanges, newest first, each read from its bytes as the iteration reaches it. */
  *newestFirst(): IterableIterator<InspectedExchange> {
    for (let back = 1; back <= this.count; back++) yield this.read(this.slotBack(back));
  }

  /** Drops every exchange and every page. */
  clear(): void {
    for (const refs of this.refs) clearRefs(refs);
    this.pages.clear();
    this.current = undefined;
    this.spare = undefined;
    this.writeAt = 0;
    this.next = 0;
    this.count = 0;
  }

  private slotBack(back: number): number {
    return (this.next - back + this.capacity) % this.capacity;
  }

  /**
   * Packs the report; false when it cannot be: it fits no page, or a field is not what its type
   * says (the report is then kept whole rather than lost, and the request path never throws).
   */
  private packs(slot: number, report: ExchangeReport): boolean {
    try {
      return this.pack(slot, report);
    } catch {
      return false;
    }
  }

  /** Writes the report into the current page, or a fresh one; false when it fits in none. */
  private pack(slot: number, report: ExchangeReport): boolean {
    if (!this.current) this.turnPage();
    let start = recordStart(this.writeAt);
    let end = writeRecord(this.current!.page, start, report);
    if (end < 0) {
      if (this.writeAt === 0) return false; // larger than a whole page
      this.turnPage();
      start = 0;
      end = writeRecord(this.current!.page, start, report);
      if (end < 0) return false;
    }
    const { number, page } = this.current!;
    this.writeAt = end;
    this.pageOf[slot] = number;
    this.offsetOf[slot] = start;
    page.live++;
    return true;
  }

  private turnPage(): void {
    if (this.current && this.current.page.live === 0) this.free(this.current.number);
    const page = this.spare ?? { ...recordPage(PAGE_BYTES), live: 0 };
    this.spare = undefined;
    const number = this.pagesMade++;
    this.pages.set(number, page);
    this.current = { number, page };
    this.writeAt = 0;
  }

  /** Forgets the slot's record; its page goes once it holds no other. */
  private release(slot: number): void {
    clearRefs(this.refs[slot]);
    const number = this.pageOf[slot];
    if (number < 0) return;
    const page = this.pages.get(number)!;
    page.live--;
    if (page.live === 0 && number !== this.current?.number) this.free(number);
  }

  private free(number: number): void {
    const page = this.pages.get(number);
    this.pages.delete(number);
    if (page && !this.spare) this.spare = page;
  }

  private read(slot: number): InspectedExchange {
    const refs = this.refs[slot];
    const number = this.pageOf[slot];
    const report = number < 0 ? refs.whole! : readRecord(this.pages.get(number)!, this.offsetOf[slot], refs);
    return { id: String(this.ids[slot]), report, replayOf: refs.replayOf };
  }
}

const NO_REFS: SlotRefs = {};

function clearRefs(refs: SlotRefs): void {
  copyRefs(NO_REFS, refs);
  refs.replayOf = undefined;
  refs.whole = undefined;
}
