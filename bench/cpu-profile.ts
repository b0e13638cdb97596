// Where a process's CPU time goes, from a V8 .cpuprofile (BENCH_PROFILE): self time by stage,
// by file and by function. The pure part; the command line is profile-summary.ts.

/** The part of a .cpuprofile (Chrome DevTools' format, as `node --cpu-prof` writes it) read here. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  /** µs between a sample and the one before it (the first: since startTime). */
  timeDeltas: number[];
}

/** One function's self time. */
export interface SelfTime {
  functionName: string;
  /** The script, shortened: `dist/proxy/node-relay.js`, `node_modules/ws/lib/sender.js`, `node:_http_server`. */
  file: string;
  line: number;
  stage: string;
  us: number;
}

/** V8's pseudo-frames: time outside JavaScript. */
const IDLE = '(idle)';

/**
 * Stages of a request, first match wins: [stage, pattern on the shortened file, optional
 * pattern on the function name]. Names follow docs/performance.md, "Where the time goes".
 */
export const STAGES: readonly [string, RegExp, RegExp?][] = [
  ['garbage collection', /^$/, /^\(garbage collector\)$/],
  // Native bindings have no script: socket writes are the write syscalls (on loopback they
  // also carry the kernel's delivery to the reader); the rest is V8, libuv and other builtins.
  ['socket writes (writev, write syscalls)', /^$/, /^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeAsciiString|writeUcs2String)$/],
  ['native (V8, libuv, builtins)', /^$/],
  ['HTTP parse (node:http, llhttp)', /^node:_http_(server|common|incoming)$/],
  ['HTTP parse (node:http, llhttp)', /^$/, /^parserOn/],
  // undici's llhttp, compiled to WebAssembly: the agent parsing the upstream's responses.
  ['HTTP parse (node:http, llhttp)', /^wasm\//],
  ['routing', /^(dist|src)\/(routing|registration|access|rate-limit)\//],
  ['cache lookup', /^(dist|src)\/(cache\/|proxy\/(cache-lookup|caching-proxy|fill-tap|background-fetch))|node_modules\/(http-cache-semantics|lru-cache|keyv|cache-manager)\//],
  ['head encoding / decoding', /^(dist|src)\/protocol\/head-codec/],
  ['frame encode / write', /^(dist|src)\/protocol\/(encode|frame|control)/],
  ['frame decode', /^(dist|src)\/protocol\/decode/],
  ['tunnel streams', /^(dist|src)\/tunnel\//],
  ['WebSocket (ws)', /^node_modules\/ws\//],
  ['upstream request (agent)', /^src\/agent\/(upstream-relay|local-upstream|h2-upstream)|^node:_http_(client|agent)$|^node_modules\/undici\//],
  ['agent (other)', /^src\/agent\//],
  ['reports and metrics', /^(dist|src)\/(metrics|exchange|inspector|live-events)\/|^node_modules\/prom-client\//],
  ['logging', /^(dist|src)\/logging\/|^node_modules\/(pino|pino-http|nestjs-pino|sonic-boom)\//],
  ['request and response relay (proxy)', /^(dist|src)\/(proxy|http)\//],
  ['HTTP write (node:http)', /^node:_http_outgoing$/],
  ['Nest / Express', /^node_modules\/(@nestjs|express|router|body-parser|finalhandler|send|serve-static|path-to-regexp)\//],
  ['sockets and streams (node core)', /^node:(net|stream|events|buffer|internal\/(streams|stream_base_commons|net|timers|process|async_hooks|buffer|event_target|util))/],
  ['HARP (other)', /^(dist|src)\//],
];

/** A script URL as a short path: relative to dist/, src/ or node_modules/, or the node: name. */
export function shortFile(url: string): string {
  if (!url) return '';
  if (url.startsWith('node:')) return url;
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + 1);
  const m = /\/((?:dist|src)\/.*)$/.exec(path);
  return m ? m[1]! : path.split('/').slice(-2).join('/');
}

export function stageOf(file: string, functionName: string): string {
  for (const [stage, filePattern, fnPattern] of STAGES) {
    if (filePattern.test(file) && (!fnPattern || fnPattern.test(functionName))) return stage;
  }
  return file.startsWith('node:') ? 'node core (other)' : file.startsWith('node_modules/') ? 'libraries (other)' : 'other';
}

/**
 * Self time per function, idle left out. A sample's duration is the delta to the next sample
 * (the last one's: to endTime), as DevTools counts it. `skipBeforeUs`: samples earlier than
 * this many µs after the profile's start are left out (start-up).
 */
export function selfTimes(profile: CpuProfile, skipBeforeUs = 0): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, SelfTime>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const next = i + 1 < profile.samples.length ? t + (profile.timeDeltas[i + 1] ?? 0) : profile.endTime;
    const frame = byId.get(profile.samples[i]!);
    if (!frame || frame.functionName === IDLE || t - profile.startTime < skipBeforeUs) continue;
    const file = shortFile(frame.url);
    const key = `${frame.functionName}\u0000${file}\u0000${frame.lineNumber}`;
    const entry = totals.get(key) ?? { functionName: frame.functionName || '(anonymous)', file, line: frame.lineNumber + 1, stage: stageOf(file, frame.functionName), us: 0 };
    entry.us += Math.max(0, next - t);
    totals.set(key, entry);
  }
  return [...totals.values()].sort((a, b) => b.us - a.us);
}

/**
 * The end of start-up: when the first stretch of `minIdleUs` without a busy sample begins
 * (the proxy and agent idle while the bench checks routing and runs the direct target first).
 * 0 when there is none.
 */
export function startupEndUs(profile: CpuProfile, minIdleUs = 1_000_000): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let t = 0;
  let idleSince: number | undefined;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const idle = byId.get(profile.samples[i]!) === IDLE;
    if (!idle) idleSince = undefined;
    else if (idleSince === undefined) idleSince = t;
    else if (t - idleSince >= minIdleUs) return idleSince;
  }
  return 0;
}

/** Sums self times by a key, largest first, with the share of the total. */
export function groupBy(times: readonly SelfTime[], key: (s: SelfTime) => string): { name: string; us: number; share: number }[] {
  const total = times.reduce((n, s) => n + s.us, 0);
  const sums = new Map<string, number>();
  for (const s of times) sums.set(key(s), (sums.get(key(s)) ?? 0) + s.us);
  return [...sums].map(([name, us]) => ({ name, us, share: total ? us / total : 0 })).sort((a, b) => b.us - a.us);
}
