import { SseParser, type SseEvent } from './public/sse.js';

// The dashboard parses the live event stream itself (EventSource cannot send a bearer token);
// these pin it to the HTML standard's rules, chunk boundaries included.

function parse(...chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

/** Every way of cutting `text` in two. */
function splits(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);
}

describe('SseParser', () => {
  it.each<[string, string, Array<Pick<SseEvent, 'type' | 'data'>>]>([
    ['a named event', 'event: stats\ndata: {"a":1}\n\n', [{ type: 'stats', data: '{"a":1}' }]],
    ['no name: message', 'data: x\n\n', [{ type: 'message', data: 'x' }]],
    ['several data lines, joined by LF', 'data: a\ndata: b\n\n', [{ type: 'message', data: 'a\nb' }]],
    ['CRLF line ends', 'event: e\r\ndata: x\r\n\r\n', [{ type: 'e', data: 'x' }]],
    ['CR line ends', 'event: e\rdata: x\r\r', [{ type: 'e', data: 'x' }]],
    ['no space after the colon', 'event:e\ndata:x\n\n', [{ type: 'e', data: 'x' }]],
    ['only one space removed', 'data:  x\n\n', [{ type: 'message', data: ' x' }]],
    ['a field without colon', 'data\n\n', [{ type: 'message', data: '' }]],
    ['comments ignored', ': keep-alive\n\n: hi\ndata: x\n\n', [{ type: 'message', data: 'x' }]],
    ['unknown fields ignored', 'foo: bar\ndata: x\n\n', [{ type: 'message', data: 'x' }]],
    ['an event without data is not sent', 'event: lonely\n\ndata: x\n\n', [{ type: 'message', data: 'x' }]],
    [
      'the name does not carry over',
      'event: a\ndata: 1\n\ndata: 2\n\n',
      [
        { type: 'a', data: '1' },
        { type: 'message', data: '2' },
      ],
    ],
    ['an unfinished event is held back', 'event: a\ndata: 1\n\nevent: b\ndata: 2\n', [{ type: 'a', data: '1' }]],
    ['a leading BOM is dropped', '\uFEFFdata: x\n\n', [{ type: 'message', data: 'x' }]],
    ['colons in the value kept', 'data: {"t":"12:00"}\n\n', [{ type: 'message', data: '{"t":"12:00"}' }]],
  ])('%s', (_label, text, expected) => {
    expect(parse(text).map(({ type, data }) => ({ type, data }))).toEqual(expected);
  });

  it.each(['event: stats\r\ndata: {"a":1}\r\n\r\ndata: é\r\n\r\n', 'event: stats\rdata: {"a":1}\r\rdata: é\r\r'])(
    'gives the same events however the stream %j is cut',
    (text) => {
      const whole = parse(text);
      expect(whole).toHaveLength(2);
      for (const chunks of splits(text)) expect(parse(...chunks)).toEqual(whole);
      expect(parse(...text.split(''))).toEqual(whole);
    },
  );

  it('keeps the last id and a numeric retry', () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((e) => events.push(e));
    parser.push('id: 7\nretry: 2500\ndata: a\n\nretry: soon\ndata: b\n\n');
    expect(events.map((e) => e.lastEventId)).toEqual(['7', '7']);
    expect(parser.retryMs).toBe(2500);
  });
});
