import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResponseHead } from '../protocol/index.js';
import { writeInterim } from './interim-response.js';

/** What a fake response was asked to write. */
interface Written {
  hints: Array<Record<string, string | string[]>>;
  processing: number;
}

function fakes(options: { version?: [number, number]; headersSent?: boolean; http2?: boolean } = {}) {
  const written: Written = { hints: [], processing: 0 };
  const [major, minor] = options.version ?? [1, 1];
  const req = { httpVersionMajor: major, httpVersionMinor: minor } as IncomingMessage;
  const res = {
    headersSent: options.headersSent ?? false,
    writableEnded: false,
    destroyed: false,
    writeEarlyHints: (hints: Record<string, string | string[]>) => void written.hints.push(hints),
    ...(options.http2 ? {} : { writeProcessing: () => void written.processing++ }),
  } as unknown as ServerResponse;
  return { req, res, written };
}

const head = (status: number, headers: Array<[string, string]> = []): ResponseHead => ({ status, reason: '', headers });
const LINK = '</a.css>; rel=preload';

describe('writeInterim', () => {
  it('writes a 103 with its Link fields and the other fields that can be written', () => {
    const { req, res, written } = fakes();
    const hints = head(103, [['Link', LINK], ['link', '</b.js>; rel=preload'], ['X-Hint', 'a'], ['x-hint', 'b'], ['Connection', 'close'], ['X-Bad', 'a\r\nb']]);
    expect(writeInterim(req, res, hints)).toBe(true);
    expect(written.hints).toEqual([{ link: [LINK, '</b.js>; rel=preload'], 'x-hint': 'a, b' }]);
  });

  it('drops a 103 without a Link field', () => {
    const { req, res, written } = fakes();
    expect(writeInterim(req, res, head(103, [['X-Hint', 'a']]))).toBe(false);
    expect(written.hints).toEqual([]);
  });

  it('writes a 102 on HTTP/1.1, and drops it where Node cannot write one (HTTP/2)', () => {
    const one = fakes();
    expect(writeInterim(one.req, one.res, head(102))).toBe(true);
    expect(one.written.processing).toBe(1);
    const two = fakes({ version: [2, 0], http2: true });
    expect(writeInterim(two.req, two.res, head(102))).toBe(false);
  });

  it.each([100, 104, 150, 199])('drops a %i', (status) => {
    const { req, res, written } = fakes();
    expect(writeInterim(req, res, head(status, [['Link', LINK]]))).toBe(false);
    expect(written).toEqual({ hints: [], processing: 0 });
  });

  it('writes nothing to an HTTP/1.0 client, nor once the final head went out', () => {
    const old = fakes({ version: [1, 0] });
    expect(writeInterim(old.req, old.res, head(103, [['Link', LINK]]))).toBe(false);
    const late = fakes({ headersSent: true });
    expect(writeInterim(late.req, late.res, head(103, [['Link', LINK]]))).toBe(false);
    expect([old.written.hints, late.written.hints]).toEqual([[], []]);
  });

  it('drops a 103 whose Link Node refuses, rather than failing the exchange', () => {
    const { req, res } = fakes();
    (res as unknown as { writeEarlyHints: () => void }).writeEarlyHints = () => {
      throw new TypeError('invalid link');
    };
    expect(writeInterim(req, res, head(103, [['Link', 'not a link']]))).toBe(false);
  });
});
