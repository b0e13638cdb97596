import { readFileSync } from 'node:fs';
import { decodeFrame } from './decode.js';
import { encodeControl } from './encode.js';
import { agentControlSchema, parseAgentControl, parseProxyControl, proxyControlSchema } from './control.js';
import type { AgentControl, ProxyControl } from './control.js';
import { ProtocolError } from './errors.js';
import { FrameType } from './constants.js';

// Each message is written as its sender writes it (typed like TunnelConnection.sendControl) and
// read back through the receiver's whole path: CONTROL frame bytes, decodeFrame, the parser.

/** Named examples of every message of one direction: leaving a message out does not compile. */
type Examples<M extends { type: string }> = { [T in M['type']]: Array<[string, Extract<M, { type: T }>]> };

/** A CONTROL frame carrying `json` verbatim, so a payload no sender would write can be tested. */
function controlFrame(json: string): Buffer {
  return Buffer.concat([encodeControl({}).subarray(0, 8), Buffer.from(json, 'utf8')]);
}

/** What the receiver's parser makes of a CONTROL frame. */
function receive<M>(parse: (m: unknown) => M, frame: Buffer): M {
  const decoded = decodeFrame(frame);
  if (decoded.type !== FrameType.Control) throw new Error('not CONTROL');
  return parse(decoded.message);
}

/** The stable code a receiver refuses `frame` with; fails if it is accepted. */
function rejection(parse: (m: unknown) => unknown, frame: Buffer): string {
  try {
    receive(parse, frame);
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
  throw new Error(`accepted ${frame.subarray(8).toString()}`);
}

/** `message` as a CONTROL frame, whatever it is (null, a number, a string...). */
const asFrame = (message: unknown): Buffer => controlFrame(JSON.stringify(message));

const flatten = <M extends { type: string }>(examples: Examples<M>): Array<[string, M]> =>
  Object.values<Array<[string, M]>>(examples).flat();

/** The `type` of every message a schema admits. */
const typesOf = (schema: typeof agentControlSchema | typeof proxyControlSchema): string[] =>
  schema.options.map((option) => option.shape.type.value).sort();

/** The message types docs/protocol.md §7 lists for `direction` ("both" counts for each). */
function documentedTypes(direction: 'agent → proxy' | 'proxy → agent'): string[] {
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## 7. Control messages'), doc.indexOf('### 7.1'));
  const rows = [...section.matchAll(/^\| `([a-z]+)` \| (agent → proxy|proxy → agent|both) \|/gm)];
  return rows.filter((m) => m[2] === direction || m[2] === 'both').map((m) => m[1]!).sort();
}

const route = { host: 'api.example.com', path: '/v1' };

const sentByAgent: Examples<AgentControl> = {
  hello: [
    ['hello, minimal', { type: 'hello', protocol: 1, key: '' }],
    ['hello, full', { type: 'hello', protocol: 1, key: 'k'.repeat(1024), name: 'n'.repeat(200), agent: 'harp-agent/0.1.0', weight: 100 }],
    ['hello, lightest weight', { type: 'hello', protocol: 1, key: 'k', weight: 1 }],
  ],
  register: [
    ['register, one route', { type: 'register', id: 0, routes: [route] }],
    ['register, 100 routes', { type: 'register', id: 7, routes: Array.from({ length: 100 }, (_, i) => ({ host: '*', path: `/r${i}` })) }],
    ['register, longest host and path', { type: 'register', id: 1, routes: [{ host: 'h'.repeat(255), path: `/${'p'.repeat(2047)}` }] }],
    ['register, with cache settings', { type: 'register', id: 3, routes: [{ ...route, cache: { enabled: false } }, { host: '*', path: '/', cache: { defaultTtlSeconds: 31_536_000 } }] }],
    [
      'register, with balancing',
      {
        type: 'register',
        id: 4,
        routes: [
          { ...route, balance: 'least-requests', sticky: { header: 'x-user' } },
          { host: '*', path: '/', balance: 'round-robin', sticky: { cookie: 'sid' } },
        ],
      },
    ],
    [
      'register, with access rules',
      {
        type: 'register',
        id: 5,
        routes: [
          { ...route, access: { basicAuth: [{ user: 'u'.repeat(256), password: 'p'.repeat(1024) }], allowIps: ['10.0.0.0/8', 'fd00::/8'] } },
          { host: '*', path: '/', access: { bearerTokens: Array.from({ length: 10 }, (_, i) => `t${i}`), denyIps: ['192.0.2.1'] } },
        ],
      },
    ],
    ['register, with rate limits', { type: 'register', id: 5, routes: [{ ...route, rateLimit: '10/s' }, { host: '*', path: '/', rateLimit: '1000000000/h' }] }],
    [
      'register, with subdomains and lifetimes',
      {
        type: 'register',
        id: 6,
        routes: [
          { subdomain: 'random', path: '/', ttl: '30m' },
          { subdomain: 'random', path: '/', token: 't'.repeat(512) },
          { subdomain: 'd'.repeat(63), path: '/api' },
          { ...route, ttl: '168h' },
        ],
      },
    ],
    ['register, largest safe id', { type: 'register', id: Number.MAX_SAFE_INTEGER, routes: [route] }],
  ],
  unregister: [['unregister', { type: 'unregister', id: 2, routes: [route] }]],
  drain: [
    ['drain, no reason', { type: 'drain' }],
    ['drain, with reason', { type: 'drain', reason: 'r'.repeat(500) }],
  ],
  error: [['error', { type: 'error', code: 'frame_bad_version', message: 'protocol version 2 is not 1' }]],
};

const sentByProxy: Examples<ProxyControl> = {
  welcome: [
    ['welcome', { type: 'welcome', agentId: 'agent-1', heartbeatMs: 5000, windowBytes: 262144, maxFrameBytes: 65536, maxStreams: 1000 }],
    ['welcome with a nodeId', { type: 'welcome', agentId: 'a', nodeId: 'n'.repeat(200), heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 }],
  ],
  rejected: [['rejected', { type: 'rejected', code: 'key_rejected', reason: 'the key is not accepted by this proxy' }]],
  registered: [
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
    [
      'registered, a subdomain with its URL, token and lifetime',
      {
        type: 'registered',
        id: 4,
        accepted: [{ host: 'brave-otter-7f3kq2.t.example', path: '/', url: 'https://brave-otter-7f3kq2.t.example/', subdomain: 'random', token: 'v1.x', ttlMs: 1000 }],
        rejected: [{ host: '', path: '/', subdomain: 'random', code: 'subdomain_unavailable', reason: 'no public domain' }],
      },
    ],
    ['registered, an unregister that removed nothing', { type: 'registered', id: 3, accepted: [], rejected: [] }],
  ],
  withdrawn: [
    [
      'withdrawn',
      { type: 'withdrawn', routes: [{ host: 'shop.example.com', path: '/', code: 'route_owned', reason: 'shop.example.com/ is owned by key "team-b" in the cluster' }] },
    ],
    ['withdrawn, 100 routes', { type: 'withdrawn', routes: Array.from({ length: 100 }, (_, i) => ({ host: '*', path: `/r${i}`, code: 'route_owned', reason: '' })) }],
  ],
  expired: [
    ['expired', { type: 'expired', routes: [route] }],
    ['expired, 100 routes', { type: 'expired', routes: Array.from({ length: 100 }, (_, i) => ({ host: '*', path: `/r${i}` })) }],
  ],
  drain: [['drain', { type: 'drain', reason: 'proxy shutting down' }]],
  draining: [['draining', { type: 'draining' }]],
  goaway: [
    ['goaway', { type: 'goaway', reason: 'proxy shutting down' }],
    ['goaway, longest reason', { type: 'goaway', reason: 'r'.repeat(500) }],
  ],
  error: [['error', { type: 'error', code: 'flow_control', message: 'stream 3 overran its window' }]],
};

describe('the control message catalogue', () => {
  it.each<[string, Examples<{ type: string }>, typeof agentControlSchema | typeof proxyControlSchema]>([
    ['agent → proxy', sentByAgent, agentControlSchema],
    ['proxy → agent', sentByProxy, proxyControlSchema],
  ])('%s: every message the schema admits has a round-trip example here', (_direction, examples, schema) => {
    expect(Object.keys(examples).sort()).toEqual(typesOf(schema));
  });

  it.each<['agent → proxy' | 'proxy → agent', typeof agentControlSchema | typeof proxyControlSchema]>([
    ['agent → proxy', agentControlSchema],
    ['proxy → agent', proxyControlSchema],
  ])('%s: docs/protocol.md §7 lists exactly the messages the schema admits', (direction, schema) => {
    expect(documentedTypes(direction)).toEqual(typesOf(schema));
  });
});

describe('control messages, agent → proxy', () => {
  it.each(flatten(sentByAgent))('round-trips %s', (_name, message) => {
    expect(receive(parseAgentControl, encodeControl(message))).toEqual(message);
  });

  it('refuses a payload that is not JSON with control_bad_json', () => {
    expect(rejection(parseAgentControl, controlFrame('{"type":"hello",'))).toBe('control_bad_json');
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
    ['hello with a null name', { type: 'hello', protocol: 1, key: 'k', name: null }],
    ['register without routes', { type: 'register', id: 1, routes: [] }],
    ['register with 101 routes', { type: 'register', id: 1, routes: Array.from({ length: 101 }, () => route) }],
    ['register with a negative id', { type: 'register', id: -1, routes: [route] }],
    ['register with a fractional id', { type: 'register', id: 1.5, routes: [route] }],
    ['register with a string id', { type: 'register', id: '1', routes: [route] }],
    ['register with an id above 2^53-1', { type: 'register', id: 2 ** 53, routes: [route] }],
    ['register with an empty host', { type: 'register', id: 1, routes: [{ host: '', path: '/' }] }],
    ['register with a 256-character host', { type: 'register', id: 1, routes: [{ host: 'h'.repeat(256), path: '/' }] }],
    ['register with an empty path', { type: 'register', id: 1, routes: [{ host: 'a', path: '' }] }],
    ['register with a 2049-character path', { type: 'register', id: 1, routes: [{ host: 'a', path: '/'.repeat(2049) }] }],
    ['register with an unknown route field', { type: 'register', id: 1, routes: [{ ...route, weight: 2 }] }],
    ['register with a default TTL above a year', { type: 'register', id: 1, routes: [{ ...route, cache: { defaultTtlSeconds: 31_536_001 } }] }],
    ['register with an unknown balance mode', { type: 'register', id: 1, routes: [{ ...route, balance: 'random' }] }],
    ['register sticky by header and cookie at once', { type: 'register', id: 1, routes: [{ ...route, sticky: { header: 'x-user', cookie: 'sid' } }] }],
    ['register sticky by nothing', { type: 'register', id: 1, routes: [{ ...route, sticky: {} }] }],
    ['register sticky by a header name that is no token', { type: 'register', id: 1, routes: [{ ...route, sticky: { header: 'x user' } }] }],
    ['register sticky by an empty cookie name', { type: 'register', id: 1, routes: [{ ...route, sticky: { cookie: '' } }] }],
    ['register with a rate limit that is no rate', { type: 'register', id: 1, routes: [{ ...route, rateLimit: '10 per second' }] }],
    ['register with a rate limit of 0', { type: 'register', id: 1, routes: [{ ...route, rateLimit: '0/s' }] }],
    ['register with a rate limit as a number', { type: 'register', id: 1, routes: [{ ...route, rateLimit: 10 }] }],
    ['hello with weight 0', { type: 'hello', protocol: 1, key: 'k', weight: 0 }],
    ['hello with weight 101', { type: 'hello', protocol: 1, key: 'k', weight: 101 }],
    ['hello with a fractional weight', { type: 'hello', protocol: 1, key: 'k', weight: 1.5 }],
    ['register with an unknown access field', { type: 'register', id: 1, routes: [{ ...route, access: { realm: 'r' } }] }],
    ['register with an empty basicAuth list', { type: 'register', id: 1, routes: [{ ...route, access: { basicAuth: [] } }] }],
    ['register with 11 bearer tokens', { type: 'register', id: 1, routes: [{ ...route, access: { bearerTokens: Array.from({ length: 11 }, () => 't') } }] }],
    ['register with a 1025-character password', { type: 'register', id: 1, routes: [{ ...route, access: { basicAuth: [{ user: 'u', password: 'p'.repeat(1025) }] } }] }],
    ['register with 101 allowed addresses', { type: 'register', id: 1, routes: [{ ...route, access: { allowIps: Array.from({ length: 101 }, () => '10.0.0.1') } }] }],
    ['register with an unknown cache field', { type: 'register', id: 1, routes: [{ ...route, cache: { maxAge: 1 } }] }],
    ['register with both host and subdomain', { type: 'register', id: 1, routes: [{ ...route, subdomain: 'demo' }] }],
    ['register with neither host nor subdomain', { type: 'register', id: 1, routes: [{ path: '/' }] }],
    ['register with a 64-character subdomain', { type: 'register', id: 1, routes: [{ subdomain: 's'.repeat(64), path: '/' }] }],
    ['register with a token for a named subdomain', { type: 'register', id: 1, routes: [{ subdomain: 'demo', path: '/', token: 't' }] }],
    ['register with a token without a subdomain', { type: 'register', id: 1, routes: [{ ...route, token: 't' }] }],
    ['register with a ttl in days', { type: 'register', id: 1, routes: [{ ...route, ttl: '1d' }] }],
    ['register with a ttl above 7 days', { type: 'register', id: 1, routes: [{ ...route, ttl: '169h' }] }],
    ['register with a ttl as a number', { type: 'register', id: 1, routes: [{ ...route, ttl: 60 }] }],
    ['a proxy-only message (expired)', { type: 'expired', routes: [route] }],
    ['unregister without id', { type: 'unregister', routes: [route] }],
    ['drain with a 501-character reason', { type: 'drain', reason: 'r'.repeat(501) }],
    ['error without code', { type: 'error', message: 'm' }],
    ['a proxy-only message (welcome)', { type: 'welcome', agentId: 'a', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 }],
    ['a proxy-only message (registered)', { type: 'registered', id: 1, accepted: [], rejected: [] }],
    ['a proxy-only message (goaway)', { type: 'goaway', reason: 'r' }],
    ['a proxy-only message (withdrawn)', { type: 'withdrawn', routes: [{ ...route, code: 'route_owned', reason: 'r' }] }],
  ])('refuses %s with control_bad_message', (_name, message) => {
    expect(rejection(parseAgentControl, asFrame(message))).toBe('control_bad_message');
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
    const message: AgentControl = { type: 'error', code: 'frame_bad_version', message: 'protocol version 2 is not 1' };
    expect(receive(parseAgentControl, encodeControl(message))).toEqual(message);
  });
});

describe('control messages, proxy → agent', () => {
  it.each(flatten(sentByProxy))('round-trips %s', (_name, message) => {
    expect(receive(parseProxyControl, encodeControl(message))).toEqual(message);
  });

  it('refuses a payload that is not JSON with control_bad_json', () => {
    expect(rejection(parseProxyControl, controlFrame('welcome'))).toBe('control_bad_json');
  });

  it.each<[string, unknown]>([
    ['a string', 'welcome'],
    ['an unknown type', { type: 'ping' }],
    ['goaway without reason', { type: 'goaway' }],
    ['withdrawn without routes', { type: 'withdrawn', routes: [] }],
    ['expired without routes', { type: 'expired', routes: [] }],
    ['expired with a route without a path', { type: 'expired', routes: [{ host: 'a' }] }],
    ['registered with a fractional ttlMs', { type: 'registered', id: 1, accepted: [{ ...route, ttlMs: 1.5 }], rejected: [] }],
    ['withdrawn with a route without a code', { type: 'withdrawn', routes: [route] }],
    ['goaway with a 501-character reason', { type: 'goaway', reason: 'r'.repeat(501) }],
    ['welcome without agentId', { type: 'welcome', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 }],
    ['welcome with heartbeatMs 0', { type: 'welcome', agentId: 'a', heartbeatMs: 0, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 }],
    ['welcome with a negative window', { type: 'welcome', agentId: 'a', heartbeatMs: 1, windowBytes: -1, maxFrameBytes: 1, maxStreams: 1 }],
    ['welcome with an empty nodeId', { type: 'welcome', agentId: 'a', nodeId: '', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 }],
    ['welcome with a 201-character nodeId', { type: 'welcome', agentId: 'a', nodeId: 'n'.repeat(201), heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 }],
    ['welcome with a numeric nodeId', { type: 'welcome', agentId: 'a', nodeId: 7, heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 }],
    ['welcome with a fractional maxFrameBytes', { type: 'welcome', agentId: 'a', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1.5, maxStreams: 1 }],
    ['welcome without maxStreams', { type: 'welcome', agentId: 'a', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1 }],
    ['welcome with an unknown field', { type: 'welcome', agentId: 'a', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1, version: 2 }],
    ['rejected without reason', { type: 'rejected', code: 'key_rejected' }],
    ['registered without rejected', { type: 'registered', id: 1, accepted: [] }],
    ['registered with a rejection lacking code', { type: 'registered', id: 1, accepted: [], rejected: [{ host: 'a', path: '/', reason: 'r' }] }],
    ['drain with a numeric reason', { type: 'drain', reason: 5 }],
    ['error without message', { type: 'error', code: 'X' }],
    ['an agent-only message (hello)', { type: 'hello', protocol: 1, key: 'k' }],
    ['an agent-only message (register)', { type: 'register', id: 1, routes: [route] }],
  ])('refuses %s with control_bad_message', (_name, message) => {
    expect(rejection(parseProxyControl, asFrame(message))).toBe('control_bad_message');
  });
});

describe('control message types', () => {
  // `npm run typecheck` fails if any of these lines compiles: a sender cannot write them.
  const fromAgent: AgentControl[] = [
    // @ts-expect-error: hello of another protocol version
    { type: 'hello', protocol: 2, key: 'k' },
    // @ts-expect-error: register without routes
    { type: 'register', id: 1 },
    // @ts-expect-error: welcome is proxy → agent only
    { type: 'welcome', agentId: 'a', heartbeatMs: 1, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 },
    // @ts-expect-error: a field the catalogue does not list
    { type: 'drain', reason: 'r', until: 5 },
    // @ts-expect-error: goaway is proxy → agent only
    { type: 'goaway', reason: 'r' },
  ];
  const fromProxy: ProxyControl[] = [
    // @ts-expect-error: registered without rejected
    { type: 'registered', id: 1, accepted: [] },
    // @ts-expect-error: hello is agent → proxy only
    { type: 'hello', protocol: 1, key: 'k' },
    // @ts-expect-error: a string where a number belongs
    { type: 'welcome', agentId: 'a', heartbeatMs: '5000', windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 },
  ];

  it('refuses on receipt what the compiler refuses to send', () => {
    for (const message of fromAgent) expect(rejection(parseAgentControl, asFrame(message))).toBe('control_bad_message');
    for (const message of fromProxy) expect(rejection(parseProxyControl, asFrame(message))).toBe('control_bad_message');
  });
});
