import { fieldPairs, requestFields, requestIdAndHost } from './upstream-relay.js';
import type { RequestHead } from '../protocol/index.js';

const head = (headers: Array<[string, string]>): RequestHead => ({ method: 'GET', target: '/', headers });

describe('the request fields undici gets', () => {
  it('keeps every field of a plain request, in order, case and repetition', () => {
    const fields: Array<[string, string]> = [['Host', 'a'], ['Connection', 'x-a'], ['X-A', '1'], ['x-a', '2']];
    expect(requestFields(head(fields))).toEqual({ headers: ['Host', 'a', 'Connection', 'x-a', 'X-A', '1', 'x-a', '2'], upgrade: false });
  });

  it('leaves Connection and Upgrade out of a WebSocket upgrade, which undici writes itself', () => {
    const fields: Array<[string, string]> = [['Host', 'a'], ['Connection', 'Upgrade'], ['UPGRADE', 'WebSocket'], ['Sec-WebSocket-Key', 'k']];
    expect(requestFields(head(fields))).toEqual({ headers: ['Host', 'a', 'Sec-WebSocket-Key', 'k'], upgrade: true });
  });

  it('takes an upgrade to anything but WebSocket for a plain field', () => {
    expect(requestFields(head([['Upgrade', 'h2c']]))).toEqual({ headers: ['Upgrade', 'h2c'], upgrade: false });
  });
});

describe('the request id and host the agent reports and routes by', () => {
  it.each<[Array<[string, string]>, string | undefined, string | undefined]>([
    [[['Host', 'a.example'], ['X-Request-ID', 'r1']], 'r1', 'a.example'],
    [[['x-request-id', 'r1'], ['X-REQUEST-ID', 'r2'], ['host', 'b'], ['Host', 'c']], 'r1', 'b'],
    [[['X-Request-Ids', 'no'], ['Hosts', 'no'], ['X-Other-Id-1', 'no']], undefined, undefined],
    [[], undefined, undefined],
  ])('%j: id %s, host %s (the first of each)', (fields, requestId, host) => {
    expect(requestIdAndHost(head(fields))).toEqual({ requestId, host });
  });
});

describe('response fields as the tunnel pairs', () => {
  it('reads undici Buffers and node:http strings alike, as latin1', () => {
    expect(fieldPairs([Buffer.from('X-A'), Buffer.from([0x63, 0xe9]), 'x-b', '2'])).toEqual([['X-A', 'cé'], ['x-b', '2']]);
  });
});
