import { EventEmitter } from 'node:events';
import { sleep } from '../../../test/helpers/eventually.js';
import { LiveBlock, MIN_REDRAW_MS } from './live-block.js';

/** A terminal as LiveBlock sees one: what was written, its width, its resize event. */
class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
  written = '';
  constructor(public columns: number) {
    super();
  }
  write(text: string): boolean {
    this.written += text;
    return true;
  }
  take(): string {
    const text = this.written;
    this.written = '';
    return text;
  }
}

/** Long enough for the next drawing to come at once. */
const pause = (): Promise<void> => sleep(MIN_REDRAW_MS + 50);

describe('LiveBlock', () => {
  const blocks: LiveBlock[] = [];
  afterEach(() => blocks.splice(0).forEach((b) => b.close()));

  function start(columns: number, lines: (width: number) => string[]) {
    const terminal = new FakeTerminal(columns);
    const block = new LiveBlock(terminal, lines);
    blocks.push(block);
    return { terminal, block };
  }

  it('hides the cursor and draws the block for one column less than the terminal has', () => {
    const widths: number[] = [];
    const { terminal } = start(40, (w) => (widths.push(w), ['a', 'b']));
    expect(terminal.take()).toBe('\x1b[?25l\r\x1b[Ja\nb\n');
    expect(widths).toEqual([39]);
  });

  it('prints a line above the block: back up over the block, erase it, the line, the block again', async () => {
    const { terminal, block } = start(40, () => ['x', 'y', 'z']);
    terminal.take();
    await pause();
    block.print('GET / 200 1.0ms\n');
    expect(terminal.take()).toBe('\r\x1b[3A\x1b[JGET / 200 1.0ms\nx\ny\nz\n');
    await pause();
    block.print('no newline');
    expect(terminal.take()).toBe('\r\x1b[3A\x1b[Jno newline\nx\ny\nz\n');
  });

  it('prints the lines that come within a few hundred milliseconds with one drawing, in order', async () => {
    const { terminal, block } = start(40, () => ['x']);
    await pause();
    terminal.take();
    block.print('a\n');
    block.print('b\n');
    block.print('c\n');
    expect(terminal.take()).toBe('\r\x1b[1A\x1b[Ja\nx\n');
    await pause();
    expect(terminal.take()).toBe('\r\x1b[1A\x1b[Jb\nc\nx\n');
  });

  it('prints another stream\'s line (stderr) between erasing the block and drawing it again', async () => {
    const { terminal, block } = start(40, () => ['x']);
    terminal.take();
    await pause();
    const order: string[] = [];
    const stderr = { write: (t: string) => order.push(`err:${t}`) };
    const write = terminal.write.bind(terminal);
    terminal.write = (t: string) => (order.push(`out:${t}`), write(t));
    block.print('harp: lost the connection\n', stderr);
    expect(order).toEqual(['out:\r\x1b[1A\x1b[J', 'err:harp: lost the connection\n', 'out:x\n']);
  });

  it('draws again for the new width when the terminal is resized', () => {
    const { terminal } = start(40, (w) => ['-'.repeat(w)]);
    terminal.take();
    terminal.columns = 20;
    terminal.emit('resize');
    expect(terminal.take()).toBe(`\r\x1b[1A\x1b[J${'-'.repeat(19)}\n`);
  });

  it('redraws at most every few hundred milliseconds, and not at all when nothing changed', async () => {
    let n = 0;
    const { terminal, block } = start(40, () => [`n=${n}`]);
    terminal.take();
    block.changed();
    expect(terminal.take()).toBe('');
    n = 1;
    block.changed();
    block.changed();
    expect(terminal.take()).toBe('');
    await sleep(MIN_REDRAW_MS + 100);
    expect(terminal.take()).toBe('\r\x1b[1A\x1b[Jn=1\n');
    n = 2;
    block.changed();
    expect(terminal.take()).toBe('');
    await sleep(MIN_REDRAW_MS + 100);
    expect(terminal.take()).toBe('\r\x1b[1A\x1b[Jn=2\n');
  });

  it('on close, prints what waits, draws the last state, leaves it, shows the cursor, and prints plainly after', () => {
    let state = 'online';
    const { terminal, block } = start(40, () => [state]);
    terminal.take();
    block.print('GET / 200 1.0ms\n');
    state = 'offline';
    block.close();
    expect(terminal.take()).toBe('\r\x1b[1A\x1b[JGET / 200 1.0ms\noffline\n\x1b[?25h');
    block.print('late line\n');
    expect(terminal.take()).toBe('late line\n');
    terminal.emit('resize');
    expect(terminal.take()).toBe('');
  });
});
