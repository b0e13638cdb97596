import type { ExchangeRecord } from '../../agent/upstream-relay.js';
import { exchangeLine } from '../output.js';

// ANSI SGR foreground colours, and the default foreground back.
const GREEN = '\x1b[32m';
const CYAN = '\x1b[36m';
const YELLOW = '\x1b[33m';
const RED = '\x1b[31m';
const DEFAULT = '\x1b[39m';

/** The colour of a status: success green, redirect cyan, client error yellow, server error or none red. */
function statusColour(status: number): string {
  if (status === 0 || status >= 500) return RED;
  if (status >= 400) return YELLOW;
  if (status >= 300) return CYAN;
  return GREEN;
}

/**
 * A request line as a terminal shows it: harp http's line ({@link exchangeLine}), its status
 * coloured when `color`; the same text otherwise.
 */
export function terminalExchangeLine(record: ExchangeRecord, color: boolean): string {
  const plain = exchangeLine(record);
  if (!color) return plain;
  const head = `${record.method} ${record.target} `;
  const status = record.status === 0 ? 'ERR' : String(record.status);
  return `${head}${statusColour(record.status)}${status}${DEFAULT}${plain.slice(head.length + status.length)}`;
}
