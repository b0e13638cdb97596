import type { CliOutput } from '../cli-io.js';

/** An output that may be a terminal: `process.stdout` is one when `isTTY`. */
export interface TerminalOutput extends CliOutput {
  readonly isTTY?: boolean;
  readonly columns?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

// ECMA-48: cursor up (CUU), erase in display to its end (ED 0), DEC private mode 25 (cursor shown).
const up = (n: number): string => (n > 0 ? `\r\x1b[${n}A` : '\r');
const ERASE_BELOW = '\x1b[J';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/** The fewest milliseconds between two drawings: a few a second is live enough, and cheap. */
export const MIN_REDRAW_MS = 250;
/** Redrawn this often even when nothing happened: req/s decays, "reconnecting in Ns" counts down. */
const TICK_MS = 1000;

/** A line waiting to be printed above the block, and where. */
interface Pending {
  readonly text: string;
  readonly output: CliOutput;
}

/**
 * A block of lines kept at the bottom of a terminal, under the lines printed above it: to print
 * lines, the block is erased, the lines written, the block drawn again. That happens at most
 * every {@link MIN_REDRAW_MS}: a line that comes sooner waits for the next drawing, with every
 * other one that came meanwhile, so a busy agent's log costs a few drawings a second, not one
 * per request. The cursor is hidden meanwhile and shown again by {@link close} (also when the
 * process exits without it).
 */
export class LiveBlock {
  /** Lines of the block now on the screen (the cursor is on the line under them). */
  private height = 0;
  /** What the block on the screen shows, so that a drawing that would change nothing is skipped. */
  private shown = '';
  private drawnWidth = 0;
  private pending: Pending[] = [];
  private lastDraw = 0;
  private timer?: NodeJS.Timeout;
  private readonly ticker: NodeJS.Timeout;
  private closed = false;
  private readonly onResize = (): void => this.draw();
  private readonly onExit = (): void => this.close();

  constructor(
    private readonly terminal: TerminalOutput,
    /** The block's lines for a terminal `width` columns wide, none wider. */
    private readonly render: (width: number) => string[],
  ) {
    terminal.write(HIDE_CURSOR);
    terminal.on?.('resize', this.onResize);
    process.on('exit', this.onExit);
    this.ticker = setInterval(() => this.draw(), TICK_MS);
    this.ticker.unref();
    this.draw();
  }

  /** `text` (whole lines) printed above the block, on `output` (the terminal's own, or stderr). */
  print(text: string, output: CliOutput = this.terminal): void {
    if (this.closed) return void output.write(text);
    this.pending.push({ text: text.endsWith('\n') ? text : `${text}\n`, output });
    this.changed();
  }

  /** Something changed: redraw, at most every {@link MIN_REDRAW_MS}. */
  changed(): void {
    if (this.closed || this.timer) return;
    const wait = this.lastDraw + MIN_REDRAW_MS - Date.now();
    if (wait <= 0) return this.draw();
    this.timer = setTimeout(() => this.draw(), wait);
    this.timer.unref();
  }

  /** Prints what waits, draws the block a last time and leaves it, with the cursor under it, shown. */
  close(): void {
    if (this.closed) return;
    this.draw();
    this.closed = true;
    clearInterval(this.ticker);
    clearTimeout(this.timer);
    this.terminal.off?.('resize', this.onResize);
    process.off('exit', this.onExit);
    this.terminal.write(SHOW_CURSOR);
  }

  private draw(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const width = this.width();
    const lines = this.pending;
    if (lines.length === 0 && width === this.drawnWidth && this.text(width) === this.shown) return;
    this.pending = [];
    let out = this.erase();
    for (const { text, output } of lines) {
      if (output === this.terminal) {
        out += text;
        continue;
      }
      // Another stream to the same screen (stderr): what the terminal has so far goes first.
      this.terminal.write(out);
      out = '';
      output.write(text);
    }
    this.terminal.write(`${out}${this.show(width)}`);
    this.lastDraw = Date.now();
  }

  /** Back to the block's first line, and everything from there down erased. */
  private erase(): string {
    const erase = `${up(this.height)}${ERASE_BELOW}`;
    this.height = 0;
    this.shown = '';
    return erase;
  }

  // One column is left free: a line as wide as the terminal would wrap on some of them.
  private width(): number {
    return Math.max(1, (this.terminal.columns ?? 80) - 1);
  }

  private text(width: number): string {
    return this.render(width).map((l) => `${l}\n`).join('');
  }

  /** The block as text for `width`, remembered as what the screen shows from now on. */
  private show(width: number): string {
    this.shown = this.text(width);
    this.height = this.shown.split('\n').length - 1;
    this.drawnWidth = width;
    return this.shown;
  }
}
