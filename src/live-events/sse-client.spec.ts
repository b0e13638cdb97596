import { PassThrough } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { SseClient } from './sse-client.js';

/** A response stand-in whose buffered byte count the test controls. */
function fakeResponse() {
  const written: string[] = [];
  const res = {
    writableLength: 0,
    writableEnded: false,
    write: (text: string) => void written.push(text),
    end: () => void (res.writableEnded = true),
  };
  return { res, written, asResponse: res as unknown as ServerResponse };
}

describe('SseClient', () => {
  it('writes each event as one SSE block with one JSON data line', () => {
    const { written, asResponse } = fakeResponse();
    new SseClient(asResponse).send('stats', '{"a":1}');
    expect(written).toEqual(['event: stats\ndata: {"a":1}\n\n']);
  });

  it('drops offered events while the client has too much unread, then says how many', () => {
    const { res, written, asResponse } = fakeResponse();
    const client = new SseClient(asResponse);
    res.writableLength = 1024 * 1024;
    client.offer('exchange', '{"id":"1"}', '1');
    client.offer('exchange', '{"id":"2"}', '2');
    expect(written).toEqual([]);
    res.writableLength = 0;
    client.offer('exchange', '{"id":"3"}', '3');
    expect(written).toEqual(['event: dropped\ndata: {"count":2,"upTo":"2"}\n\n', 'event: exchange\ndata: {"id":"3"}\n\n']);
  });

  it('writes nothing after the stream ended', () => {
    const { written, asResponse } = fakeResponse();
    const client = new SseClient(asResponse);
    client.close();
    client.send('stats', '{}');
    client.keepAlive();
    expect(written).toEqual([]);
  });

  it('opens with the event-stream head sent at once', () => {
    const calls: string[] = [];
    let head: [number, Record<string, string>] | undefined;
    const res = Object.assign(new PassThrough(), {
      writeHead: (status: number, fields: Record<string, string>) => void (calls.push('writeHead'), (head = [status, fields])),
      flushHeaders: () => void calls.push('flushHeaders'),
    });
    new SseClient(res as unknown as ServerResponse).open();
    expect(calls).toEqual(['writeHead', 'flushHeaders']);
    expect(head).toEqual([200, expect.objectContaining({ 'Content-Type': 'text/event-stream; charset=utf-8' })]);
  });
});
