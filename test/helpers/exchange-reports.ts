import { ExchangeEvents, type ExchangeReport } from '../../src/exchange/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import type { Harness } from './harness.js';

/** Every exchange report `proxy` publishes from now on, collected until the harness closes. */
export function collectReports(h: Harness, proxy: HarpServer): ExchangeReport[] {
  const seen: ExchangeReport[] = [];
  const events = proxy.app.get(ExchangeEvents);
  const listener = (report: ExchangeReport): number => seen.push(report);
  events.on('exchange', listener);
  h.defer(() => events.off('exchange', listener));
  return seen;
}
