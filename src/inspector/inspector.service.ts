import { EventEmitter } from 'node:events';
import { Injectable, NotFoundException, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HarpConfig } from '../config/index.js';
import { ExchangeEvents, type ExchangeReport } from '../exchange/index.js';
import { detailOf, matchesFilter, summaryOf } from './exchange-views.js';
import type { InspectedExchange } from './inspected-exchange.js';
import type { ExchangeDetailView, ExchangeFilter, ExchangeListView } from './inspector-views.js';
import { PackedExchanges } from './packed-exchanges.js';
import { fieldRedactor } from './redaction.js';

interface InspectorEventMap {
  recorded: [exchange: InspectedExchange];
}

/**
 * The request inspector: the last `inspectorCapacity` public exchanges, each packed into bytes
 * as it finishes (packed-exchanges.ts: no object graph per request for the garbage collector to
 * carry) and turned back into a report and a view, with secrets redacted, only when someone asks.
 *
 * Every finished exchange gets an id and is announced on {@link recorded} (live events show it)
 * even when `inspectorEnabled` is off; it is then simply not held.
 */
@Injectable()
export class InspectorService implements OnModuleInit, OnModuleDestroy {
  /** Announces each exchange as it is recorded. Listeners run on the request path. */
  readonly recorded = new EventEmitter<InspectorEventMap>();
  /** Redacts `Authorization`, `Cookie`, `Set-Cookie` and the configured fields. */
  readonly isSecret: (name: string) => boolean;
  private readonly ring: PackedExchanges;
  /** Request ids of replays in flight → the id of the exchange each repeats. */
  private readonly replays = new Map<string, string>();
  private lastId = 0;

  constructor(
    private readonly config: HarpConfig,
    private readonly events: ExchangeEvents,
  ) {
    this.ring = new PackedExchanges(config.inspectorCapacity);
    this.isSecret = fieldRedactor(config.inspectorRedactHeaders);
  }

  get enabled(): boolean {
    return this.config.inspectorEnabled;
  }

  /** Whether request and response bodies are kept (their first `inspectorBodyBytes`). */
  get keepsBodies(): boolean {
    return this.enabled && this.config.inspectorBodies && this.config.inspectorBodyBytes > 0;
  }

  onModuleInit(): void {
    this.events.on('exchange', this.record);
    if (this.keepsBodies) {
      this.events.bodyCaptureBytes = Math.max(this.events.bodyCaptureBytes, this.config.inspectorBodyBytes);
    }
  }

  onModuleDestroy(): void {
    this.events.off('exchange', this.record);
  }

  /** Recent exchanges, newest first, that pass `filter`. */
  list(filter: ExchangeFilter): ExchangeListView {
    const limit = filter.limit ?? this.ring.capacity;
    const entries = [];
    for (const exchange of this.ring.newestFirst()) {
      if (entries.length >= limit) break;
      if (matchesFilter(exchange, filter)) entries.push(summaryOf(exchange));
    }
    const newest = this.ring.newestFirst().next();
    return {
      entries,
      held: this.ring.size,
      capacity: this.ring.capacity,
      bodies: this.keepsBodies,
      newestId: newest.done ? null : newest.value.id,
      node: this.config.nodeId,
    };
  }

  /** One held exchange in full, or 404. */
  detail(id: string): ExchangeDetailView {
    return detailOf(this.find(id), this.isSecret);
  }

  /** One held exchange as recorded, or 404. */
  find(id: string): InspectedExchange {
    const exchange = this.ring.get(id);
    if (!exchange) throw new NotFoundException(`no exchange ${id} is held (it may have been dropped for newer ones)`);
    return exchange;
  }

  /** Every held exchange, oldest first. */
  all(): InspectedExchange[] {
    return [...this.ring.newestFirst()].reverse();
  }

  /** Marks the exchange that will carry `requestId` as a replay of `originalId`. */
  expectReplay(requestId: string, originalId: string): () => void {
    this.replays.set(requestId, originalId);
    return () => this.replays.delete(requestId);
  }

  private readonly record = (report: ExchangeReport): void => {
    // Replays are rare: no lookup by request id while none is in flight.
    const replayOf = this.replays.size === 0 ? undefined : this.replays.get(report.requestId);
    const id = ++this.lastId;
    if (this.enabled) this.ring.push(id, report, replayOf);
    if (this.recorded.listenerCount('recorded') > 0) this.recorded.emit('recorded', { id: String(id), report, replayOf });
  };
}
