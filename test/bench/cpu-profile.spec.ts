import { groupBy, selfTimes, shortFile, stageOf, startupEndUs, type CpuProfile } from '../../bench/cpu-profile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

/** A profile whose samples (node ids) are `deltas` µs apart. */
function profile(samples: number[], deltas: number[]): CpuProfile {
  const nodes = [
    { id: 1, callFrame: frame('(idle)') },
    { id: 2, callFrame: frame('encodeHead', 'file:///w/harp/dist/protocol/head-codec.js', 9) },
    { id: 3, callFrame: frame('(garbage collector)') },
    { id: 4, callFrame: frame('sendFrame', 'file:///w/harp/node_modules/ws/lib/sender.js', 99) },
  ];
  const startTime = 1_000;
  return { nodes, startTime, endTime: startTime + deltas.reduce((a, b) => a + b, 0) + 100, samples, timeDeltas: deltas };
}

describe('shortFile', () => {
  it.each<[string, string]>([
    ['file:///work/wt/dist/proxy/node-relay.js', 'dist/proxy/node-relay.js'],
    ['file:///work/wt/src/agent/upstream-relay.ts', 'src/agent/upstream-relay.ts'],
    ['file:///work/main/node_modules/ws/lib/sender.js', 'node_modules/ws/lib/sender.js'],
    ['file:///a/node_modules/x/node_modules/undici/lib/core.js', 'node_modules/undici/lib/core.js'],
    ['node:_http_server', 'node:_http_server'],
    ['', ''],
  ])('%s → %s', (url, expected) => {
    expect(shortFile(url)).toBe(expected);
  });
});

describe('stageOf', () => {
  it.each<[string, string, string]>([
    ['', '(garbage collector)', 'garbage collection'],
    ['', '(program)', 'native (V8, libuv, builtins)'],
    ['', 'latin1Write', 'native (V8, libuv, builtins)'],
    ['', 'writev', 'socket writes (writev, write syscalls)'],
    ['node:_http_server', 'parserOnIncoming', 'HTTP parse (node:http, llhttp)'],
    ['wasm/00034eea', 'wasm-function[20]', 'HTTP parse (node:http, llhttp)'],
    ['dist/routing/pool.js', 'pick', 'routing'],
    ['dist/proxy/cache-lookup.js', 'lookup', 'cache lookup'],
    ['dist/protocol/head-codec.js', 'encodeHead', 'head encoding / decoding'],
    ['src/protocol/encode.ts', 'encodeData', 'frame encode / write'],
    ['src/protocol/decode.ts', 'decodeFrame', 'frame decode'],
    ['node_modules/ws/lib/receiver.js', 'getData', 'WebSocket (ws)'],
    ['src/agent/upstream-relay.ts', 'relay', 'upstream request (agent)'],
    ['node:_http_client', 'ClientRequest', 'upstream request (agent)'],
    ['dist/proxy/node-relay.js', 'relay', 'request and response relay (proxy)'],
    ['dist/metrics/exchange-metrics.js', 'observe', 'reports and metrics'],
    ['node_modules/prom-client/lib/histogram.js', 'observe', 'reports and metrics'],
    ['node:net', 'writeGeneric', 'sockets and streams (node core)'],
    ['node:fs', 'readSync', 'node core (other)'],
    ['node_modules/zod/index.js', 'parse', 'libraries (other)'],
  ])('%s %s → %s', (file, fn, stage) => {
    expect(stageOf(file, fn)).toBe(stage);
  });
});

describe('selfTimes', () => {
  it('gives each sample the time to the next one, leaves idle out and sorts by time', () => {
    // samples at +10, +20, +50, +60 µs; the last lasts until endTime (100 µs later).
    const times = selfTimes(profile([2, 1, 4, 2], [10, 10, 30, 10]));
    expect(times.map((t) => [t.functionName, t.file, t.line, t.stage, t.us])).toEqual([
      ['encodeHead', 'dist/protocol/head-codec.js', 10, 'head encoding / decoding', 10 + 100],
      ['sendFrame', 'node_modules/ws/lib/sender.js', 100, 'WebSocket (ws)', 10],
    ]);
  });

  it('skips samples before the given offset from the start', () => {
    const times = selfTimes(profile([2, 4, 3], [10, 10, 10]), 15);
    expect(times.map((t) => t.functionName)).toEqual(['(garbage collector)', 'sendFrame']);
  });
});

describe('startupEndUs', () => {
  it('is where the first long enough idle stretch begins', () => {
    const p = profile([2, 2, 1, 1, 1, 2], [100, 100, 100, 500_000, 600_000, 10]);
    expect(startupEndUs(p, 1_000_000)).toBe(300);
  });

  it('is 0 when the process never idles that long', () => {
    expect(startupEndUs(profile([2, 1, 1, 2], [100, 100, 100, 100]), 1_000_000)).toBe(0);
  });
});

describe('groupBy', () => {
  it('sums by key with shares of the total', () => {
    const times = selfTimes(profile([2, 4, 4], [10, 10, 10]));
    expect(groupBy(times, (t) => t.stage)).toEqual([
      { name: 'WebSocket (ws)', us: 110, share: 110 / 120 },
      { name: 'head encoding / decoding', us: 10, share: 10 / 120 },
    ]);
  });
});
