import { formatMs } from '../output.js';
import type { ConnectionState, StatusView } from './console-state.js';

// The live status block of the agent console, as lines of text: pure, so that a test gives a
// state and a width and reads the lines. Colour is ANSI SGR, left out when `color` is false.

type Tone = 'good' | 'busy' | 'bad' | 'dim' | 'bold';

/** A piece of a line, coloured as a whole. */
interface Piece {
  readonly text: string;
  readonly tone?: Tone;
  /** Cut this one first when the line is too wide (a server's URL, so that its state stays in view). */
  readonly shrinks?: boolean;
}

const SGR: Record<Tone, [string, string]> = {
  good: ['\x1b[32m', '\x1b[39m'],
  busy: ['\x1b[33m', '\x1b[39m'],
  bad: ['\x1b[31m', '\x1b[39m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  bold: ['\x1b[1m', '\x1b[22m'],
};

/** The label column: wide enough for its longest label and a space. */
const LABEL_WIDTH = 12;

/**
 * The block's lines, none wider than `width` columns (longer ones end in `…`): a rule, the
 * title, one line per connection, one per public URL, the request numbers and the latency.
 */
export function renderStatusBlock(view: StatusView, width: number, color: boolean): string[] {
  const lines: Piece[][] = [
    [{ text: '─'.repeat(Math.max(1, width)), tone: 'dim' }],
    titleLine(view),
    ...view.connections.map(({ label, connection }) => [labelPiece('Server'), { text: label, shrinks: true }, { text: '  ' }, stateOf(connection, view.now)]),
    ...forwardingLines(view),
    [labelPiece('Requests'), { text: requestsText(view) }],
    [labelPiece('Latency'), latencyPiece(view)],
  ];
  return lines.map((pieces) => paint(fit(pieces, width), color));
}

function titleLine(view: StatusView): Piece[] {
  if (view.stopped) return [{ text: view.title, tone: 'bold' }, { text: '  stopped', tone: 'dim' }];
  if (!view.stopping) return [{ text: view.title, tone: 'bold' }, { text: '  (Ctrl-C to stop)', tone: 'dim' }];
  const n = view.requests.inFlight;
  const waiting = n === 0 ? 'no request in flight' : `finishing ${n} request${n === 1 ? '' : 's'} in flight`;
  return [{ text: view.title, tone: 'bold' }, { text: `  stopping: ${waiting}`, tone: 'busy' }, { text: ' (Ctrl-C again to quit now)', tone: 'dim' }];
}

function forwardingLines(view: StatusView): Piece[][] {
  if (view.forwarding.length === 0) return [[labelPiece('Forwarding'), { text: view.stopped ? 'none' : 'waiting for the proxy', tone: 'dim' }]];
  return view.forwarding.map((f) => [labelPiece('Forwarding'), { text: `${f.url} -> ${f.upstream}` }]);
}

function requestsText(view: StatusView): string {
  const { total, inFlight, perSecond } = view.requests;
  return `${total} total · ${inFlight} in flight · ${perSecond.toFixed(1)} req/s`;
}

function latencyPiece(view: StatusView): Piece {
  const { p50, p90 } = view.requests;
  if (p50 === undefined || p90 === undefined) return { text: 'p50 - · p90 -', tone: 'dim' };
  return { text: `p50 ${formatMs(p50)} · p90 ${formatMs(p90)}` };
}

const labelPiece = (label: string): Piece => ({ text: label.padEnd(LABEL_WIDTH), tone: 'dim' });

/** A connection's state as the block words it, e.g. `reconnecting in 3s (proxy shutting down)`. */
export function stateOf(connection: ConnectionState, now: number): Piece {
  switch (connection.state) {
    case 'online':
      return { text: 'online', tone: 'good' };
    case 'connecting':
      return { text: 'connecting', tone: 'busy' };
    case 'reconnecting': {
      const seconds = Math.max(1, Math.ceil((connection.retryAt - now) / 1000));
      return { text: `reconnecting in ${seconds}s${because(connection.reason)}`, tone: 'busy' };
    }
    case 'draining':
      return { text: `draining${because(connection.reason)}`, tone: 'busy' };
    case 'offline':
      return { text: `offline${because(connection.reason)}`, tone: 'bad' };
  }
}

const because = (reason: string | undefined): string => (reason ? ` (${reason})` : '');

const lengthOf = (pieces: readonly Piece[]): number => pieces.reduce((sum, p) => sum + [...p.text].length, 0);

/**
 * The pieces cut to `width` characters: first a piece that `shrinks` (down to one character and
 * `…`), then the line's end, which ends in `…` when something was cut.
 */
function fit(pieces: readonly Piece[], width: number): Piece[] {
  const room = Math.max(1, width);
  const over = lengthOf(pieces) - room;
  if (over <= 0) return [...pieces];
  const shrinking = pieces.findIndex((p) => p.shrinks);
  if (shrinking !== -1) {
    const chars = [...pieces[shrinking]!.text];
    const keep = Math.max(1, chars.length - over - 1);
    if (keep < chars.length) {
      const shrunk = pieces.map((p, i) => (i === shrinking ? { ...p, text: `${chars.slice(0, keep).join('')}…`, shrinks: false } : p));
      return lengthOf(shrunk) <= room ? shrunk : cut(shrunk, room);
    }
  }
  return cut(pieces, room);
}

function cut(pieces: readonly Piece[], room: number): Piece[] {
  const kept: Piece[] = [];
  let left = room - 1;
  for (const piece of pieces) {
    if (left <= 0) break;
    const chars = [...piece.text];
    kept.push({ ...piece, text: chars.slice(0, left).join('') });
    left -= Math.min(left, chars.length);
  }
  kept.push({ text: '…' });
  return kept;
}

function paint(pieces: readonly Piece[], color: boolean): string {
  return pieces.map(({ text, tone }) => (color && tone && text ? `${SGR[tone][0]}${text}${SGR[tone][1]}` : text)).join('');
}
