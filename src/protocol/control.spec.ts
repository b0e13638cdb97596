import { decodeFrame } from './decode.js';
import { encodeControl } from './encode.js';
import { parseAgentControl, parseProxyControl } from './control.js';
import { ProtocolError } from './errors.js';
import { FrameType } from './constants.js';

/** Encodes, decodes and returns the message as the receiver's parser sees it. */
function overTheWire(message: object): unknown {
  const frame = decodeFrame(encodeControl(message));
  if (frame.type !== FrameType.Control) throw new Error('not CONTROL');
  return frame.message;
}

function rejection(parse: (m: unknown) => unknown, message: unknown): string {
  try {
    parse(message);
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(message)}`);
}

const route = { host: 'api.example.com', path: '/v1' };

describe('control messages, agent → proxy', () => {
  it.each<[string, object]>([
    ['hello, minimal', { type: 'hello', protocol: 1, key: '' }],
    ['hello, full', { type: 'hello', protocol: 1, key: 'k'.repeat(1024), name: 'n'.repeat(200), agent: 'harp-agent/0.1.0' }],
    ['register, one route', { type: 'register', id: 0, routes: [route] }],
    ['register, 100 routes', { type: 'register', id: 7, routes: Array.from({ length: 100 }, (_, i) => ({ host: '*', path: `/r${i}` })) }],
    ['register, longest host and path', { type: 'register', id: 1, routes: [{ host: 'h'.repeat(255), path: `/${'p'.repeat(2047)}` }] }],
    ['unregister', { type: 'unregister', id: 2, routes: [route] }],
    ['drain, no reason', { type: 'drain' }],
    ['drain, with reason', { type: 'drain', reason: 'r'.repeat(500) }],
  ])('accepts %s', (_name, message) => {
    expect(parseAgentControl(overTheWire(message))).toEqual(message);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a number', 42],
    ['an array', [{ type: 'hello', protocol: 1, key: 'k' }]],
    ['an object without type', {}],
    ['an unknown type', { type: 'ping' }],
    ['hello of protocol 2', { type: 'hello', protocol: 2, key: 'k' }],
    ['hello without key', { type: 'hello', protocol: 1 }],
    ['hello with a 1025-character key', { type: 'hello', protocol: 1, key: 'k'.repeat(1025) }],
    ['hello with an unknown field', { type: 'hello', protocol: 1, key: 'k', extra: true }],
    ['hello with a 201-character name', { type: 'hello', protocol: 1, key: 'k', name: 'n'.repeat(201) }],
    ['register without routes', { type: 'register', id: 1, routes: [] }],
    ['register with 101 routes', { type: 'register', id: 1, routes: Array.from({ length: 101 }, () => route) }],
    ['register with a negative id', { type: 'register', id: -1, routes: [route] }],
    ['register with a fractional id', { type: 'register', id: 1.5, routes: [route] }],
    ['register with a string id', { type: 'register', id: '1', routes: [route] }],
    ['register with an empty host', { type: 'register', id: 1, routes: [{ host: '', path: '/' }] }],
    ['register with a 256-character host', { type: 'register', id: 1, routes: [{ host: 'h'.repeat(256), path: '/' }] }],
    ['register with an empty path', { type: 'register', id: 1, routes: [{ host: 'a', path: '' }] }],
    ['register with a 2049-character path', { type: 'register', id: 1, routes: [{ host: 'a', path: '/'.repeat(2049) }] }],
    ['register with an unknown route field', { type: 'register', id: 1, routes: [{ ...route, weight: 2 }] }],
    ['unregister without id', { type: 'unregister', routes: [route] }],
    ['drain with a 501-character reason', { type: 'drain', reason: 'r'.repeat(501) }],
    ['a proxy-only message (welcome)', { type: 'welcome', agentId: 'a', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 }],
    ['a proxy-only message (registered)', { type: 'registered', id: 1, accepted: [], rejected: [] }],
  ])('rejects %s with control_bad_message', (_name, message) => {
    expect(rejection(parseAgentControl, message)).toBe('control_bad_message');
  });

  it('names the offending field in the error message', () => {
    expect(() => parseAgentControl({ type: 'register', id: 1, routes: [{ host: '', path: '/' }] })).toThrow(
      /at routes\.0\.host/,
    );
  });

  // TunnelConnection.fail() sends `{type:'error'}` whichever role it has, and control.ts calls
  // `error` an "either way" message, yet the agent-side schema leaves it out: the proxy cannot
  // read the error an agent sends before it closes with 1002.
  it('accepts error (regression: an agent-side TunnelConnection.fail() sends it)', () => {
    const message = { type: 'error', code: 'frame_bad_version', message: 'protocol version 2 is not 1' };
    expect(parseAgentControl(overTheWire(message))).toEqual(message);
  });
});

describe('control messages, proxy → agent', () => {
  it.each<[string, object]>([
    ['welcome', { type: 'welcome', agentId: 'agent-1', heartbeatMs: 5000, windowBytes: 262144, maxFrameBytes: 65536, maxStreams: 1000 }],
    ['rejected', { type: 'rejected', code: 'key_rejected', reason: 'the key is not accepted by this proxy' }],
    ['registered, all accepted', { type: 'registered', id: 1, accepted: [route], rejected: [] }],
    [
      'registered, some rejected',
      {
        type: 'registered',
        id: 2,
        accepted: [route],
        rejected: [{ host: 'other.example.com', path: '/', code: 'route_owned', reason: 'other.example.com/ is registered by another key' }],
      },
    ],
    ['drain', { type: 'drain', reason: 'proxy shutting down' }],
    ['error', { type: 'error', code: 'flow_control', message: 'stream 3 overran its window' }],
  ])('accepts %s', (_name, message) => {
    expect(parseProxyControl(overTheWire(message))).toEqual(message);
  });

  it.each<[string, unknown]>([
    ['a string', 'welcome'],
    ['an unknown type', { type: 'goaway' }],
    ['welcome without agentId', { type: 'welcome', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 }],
    ['welcome with heartbeatMs 0', { type: 'welcome', agentId: 'a', heartbeatMs: 0, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 }],
    ['welcome with a negative window', { type: 'welcome', agentId: 'a', heartbeatMs: 1, windowBytes: -1, maxFrameBytes: 1, maxStreams: 1 }],
    ['welcome with a fractional maxFrameBytes', { type: 'welcome', agentId: 'a', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1.5, maxStreams: 1 }],
    ['welcome without maxStreams', { type: 'welcome', agentId: 'a', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1 }],
    ['rejected without reason', { type: 'rejected', code: 'key_rejected' }],
    ['registered without rejected', { type: 'registered', id: 1, accepted: [] }],
    ['registered with a rejection lacking code', { type: 'registered', id: 1, accepted: [], rejected: [{ host: 'a', path: '/', reason: 'r' }] }],
    ['error without message', { type: 'error', code: 'X' }],
    ['an agent-only message (hello)', { type: 'hello', protocol: 1, key: 'k' }],
    ['an agent-only message (register)', { type: 'register', id: 1, routes: [route] }],
  ])('rejects %s with control_bad_message', (_name, message) => {
    expect(rejection(parseProxyControl, message)).toBe('control_bad_message');
  });
});
