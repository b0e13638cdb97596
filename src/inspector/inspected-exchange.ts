import type { ExchangeReport } from '../exchange/index.js';

/** One exchange the inspector holds: a finished {@link ExchangeReport} under the inspector's own id. */
export interface InspectedExchange {
  /** The inspector's own id, unique per process (request ids may repeat, being client-supplied). */
  readonly id: string;
  readonly report: ExchangeReport;
  /** Set on a replay: the id of the exchange it repeated. */
  readonly replayOf?: string;
}
