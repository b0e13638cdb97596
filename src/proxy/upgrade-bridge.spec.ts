import { PassThrough } from 'node:stream';
import { ExchangeReport } from '../exchange/index.js';
import { bridgeUpgrade, switchingProtocolsHead } from './upgrade-bridge.js';

describe('switchingProtocolsHead', () => {
  it('keeps the end-to-end fields and states the upgrade itself', () => {
    const head = switchingProtocolsHead({
      status: 101,
      reason: 'whatever',
      headers: [
        ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
        ['Sec-WebSocket-Protocol', 'chat'],
        ['Connection', 'Upgrade, X-Private'],
        ['X-Private', 'hop'],
        ['Upgrade', 'websocket'],
      ],
    });
    expect(head).toBe(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
        'Sec-WebSocket-Protocol: chat\r\n' +
        'Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
  });

  it.each([
    ['a CR LF in a value', ['X-A', 'ok\r\nX-Injected: 1']],
    ['a bare LF in a value', ['X-A', 'ok\nX-Injected: 1']],
    ['a NUL in a value', ['X-A', 'a\0b']],
    ['a space in a name', ['X A', 'v']],
    ['an empty name', ['', 'v']],
  ])('refuses %s', (_what, field) => {
    expect(switchingProtocolsHead({ status: 101, reason: '', headers: [field as [string, string]] })).toBeUndefined();
  });
});

describe('bridgeUpgrade', () => {
  it('resets the stream and reports at once when the client already left', () => {
    const socket = new PassThrough();
    socket.destroy();
    const resets: string[] = [];
    const stream = { reset: (_code: number, reason: string) => resets.push(reason) };
    let done = 0;
    bridgeUpgrade({
      socket,
      head: Buffer.alloc(0),
      switching: 'HTTP/1.1 101 Switching Protocols\r\n\r\n',
      stream: stream as never,
      report: new ExchangeReport('r', 'GET', 'h', '/ws'),
      done: () => done++,
    });
    expect(resets).toEqual(['client connection closed']);
    expect(done).toBe(1);
  });
});
