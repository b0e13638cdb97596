import { DATA, END, REQUEST, WHOLE, jsonMessage, jsonOf, prefix, readMessage, wholeMessage } from '../../bench/children/floor-wire.js';

describe('the floor tunnel wire format', () => {
  it('carries a request head as JSON after its kind and stream id', () => {
    const message = readMessage(jsonMessage(REQUEST, 70000, ['GET', '/1k', ['Host', 'x'], false]));
    expect(message.kind).toBe(REQUEST);
    expect(message.id).toBe(70000);
    expect(jsonOf(message.chunks)).toEqual(['GET', '/1k', ['Host', 'x'], false]);
  });

  it('reads a DATA message from its fragments without joining them, and END as nothing', () => {
    const body = Buffer.from('body bytes');
    const data = readMessage([prefix(DATA, 3), body]);
    expect(data).toEqual({ kind: DATA, id: 3, chunks: [body] });
    expect(data.chunks[0]).toBe(body);
    expect(readMessage(prefix(END, 3))).toEqual({ kind: END, id: 3, chunks: [] });
  });

  it('puts a whole response in one message: head length, head, body', () => {
    const body = Buffer.alloc(1024, 7);
    const { kind, id, chunks } = readMessage(wholeMessage(9, [200, ['Content-Length', '1024']], body));
    const whole = chunks[0]!;
    const headBytes = whole.readUInt32BE(0);
    expect([kind, id]).toEqual([WHOLE, 9]);
    expect(JSON.parse(whole.toString('utf8', 4, 4 + headBytes))).toEqual([200, ['Content-Length', '1024']]);
    expect(whole.subarray(4 + headBytes).equals(body)).toBe(true);
  });
});
