import { parseArgs } from 'node:util';
import { agentUrl } from '../agent/agent-options.js';
import type { AgentAccess } from '../agent/agent-options.js';
import { isIpOrCidr } from '../access/index.js';
import { parseRate, parseRouteTtl, RATE_EXPECTED, TTL_EXPECTED } from '../protocol/index.js';
import { isLogFormat, LOG_FORMATS } from './console/log-format.js';
import type { LogFormat } from './console/log-format.js';
import { UsageError } from './usage-error.js';
import type { HelpTopic } from './usage-error.js';

/** `harp http`: what to expose, through which proxy, under which route. */
export interface HttpCommand {
  readonly command: 'http';
  /** The local server's origin, e.g. `http://127.0.0.1:3000`. */
  readonly upstream: string;
  /**
   * The proxies, as typed (`ws://…`, `http://…` or `host:port`), in order, each once; validated.
   * The agent connects to every one.
   */
  readonly servers: readonly string[];
  readonly key: string;
  /** Host pattern: `app.example.com`, `*.example.com` or `*`; `*` with {@link subdomain}, which replaces it. */
  readonly domain: string;
  /** `--subdomain NAME|random`: a label under the proxy's public domain instead of `--domain`. */
  readonly subdomain?: string;
  /** `--ttl 30m`: the route ends then, and the command exits with status 0. */
  readonly ttl?: string;
  /** `--reuse-url`: with `--subdomain random`, ask for the name the last run with the same settings got. */
  readonly reuseUrl?: boolean;
  /** Path prefix, starting with `/`. */
  readonly path: string;
  readonly name?: string;
  /** This agent's share of each pool it joins, 1…100 (the proxy's default is 1). */
  readonly weight?: number;
  /** A limit on the route, all clients together: `N/s`, `N/m` or `N/h` (the key must allow it). */
  readonly rateLimit?: string;
  /** `--ca`: a PEM file of the CAs trusted for `wss://` proxies (read when the agent starts). */
  readonly caFile?: string;
  /** Visitor access rules asked of the proxy (`--basic-auth`, `--allow-ip`, `--deny-ip`). */
  readonly access?: AgentAccess;
  /** `--h2`: speak HTTP/2 to the local server (h2c for http://, ALPN h2 for https://), as gRPC needs. */
  readonly h2?: boolean;
  /** `--log-format`: how the agent's events are printed (default `text`). */
  readonly logFormat?: LogFormat;
}

/** `harp start [FILE]`: the services of an agent file (read and checked when the command runs). */
export interface StartCommand {
  readonly command: 'start';
  /** The file as given, or `harp.yml` (in the working directory). */
  readonly file: string;
  /** `--log-format`, as for `harp http`. */
  readonly logFormat?: LogFormat;
}

/** `harp hash-password`: the stored form of a password (or, `--token`, of a bearer token) read from stdin. */
export interface HashPasswordCommand {
  readonly command: 'hash-password';
  readonly token: boolean;
}

/** `harp serve`: the proxy, configured from the environment. */
export interface ServeCommand {
  readonly command: 'serve';
  /** `--workers N`: stands for `HARP_WORKERS=N` (and wins over it); range-checked with the rest of the configuration. */
  readonly workers?: number;
}

/** What the command line asks for. */
export type CliCommand =
  | { readonly command: 'help'; readonly topic: HelpTopic }
  | { readonly command: 'version' }
  | ServeCommand
  | HashPasswordCommand
  | HttpCommand
  | StartCommand;

export const DEFAULT_SERVER = 'ws://127.0.0.1:8080';

const HELP = { help: { type: 'boolean', short: 'h' } } as const;
const SERVE_OPTIONS = { ...HELP, workers: { type: 'string' } } as const;
const START_OPTIONS = { ...HELP, 'log-format': { type: 'string' } } as const;
const HTTP_OPTIONS = {
  ...HELP,
  server: { type: 'string', multiple: true },
  key: { type: 'string' },
  domain: { type: 'string' },
  path: { type: 'string' },
  name: { type: 'string' },
  weight: { type: 'string' },
  'basic-auth': { type: 'string', multiple: true },
  'allow-ip': { type: 'string', multiple: true },
  'deny-ip': { type: 'string', multiple: true },
  'rate-limit': { type: 'string' },
  ca: { type: 'string' },
  h2: { type: 'boolean' },
  'log-format': { type: 'string' },
  subdomain: { type: 'string' },
  ttl: { type: 'string' },
  'reuse-url': { type: 'boolean' },
} as const;

/**
 * Reads `harp`'s arguments (without `node` and the script). Pure: the environment is only read
 * for `HARP_KEY`. Throws {@link UsageError} for anything it cannot run.
 */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  const [first, ...rest] = argv;
  switch (first) {
    case 'http':
      return parseHttp(rest, env);
    case 'start':
      return parseStart(rest);
    case 'serve':
      return parseServe(rest);
    case 'hash-password': {
      if (wantsHelp(rest)) return { command: 'help', topic: 'hash-password' };
      const options = { ...HELP, token: { type: 'boolean' } } as const;
      const { values } = guard('hash-password', () => parseArgs({ args: rest, options, strict: true, allowPositionals: false }));
      return { command: 'hash-password', token: values.token === true };
    }
    case 'help':
      return parseHelp(rest);
    case undefined:
      throw new UsageError('missing command', 'harp');
  }
  if (!first.startsWith('-')) throw new UsageError(`unknown command "${first}"`, 'harp');
  const { values } = guard('harp', () =>
    parseArgs({
      args: [...argv],
      options: { ...HELP, version: { type: 'boolean', short: 'v' } },
      strict: true,
      allowPositionals: false,
    }),
  );
  return values.help || !values.version ? { command: 'help', topic: 'harp' } : { command: 'version' };
}

function parseHelp(rest: readonly string[]): CliCommand {
  const [topic, extra] = rest;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, 'harp');
  if (topic === undefined) return { command: 'help', topic: 'harp' };
  if (topic === 'http' || topic === 'start' || topic === 'serve' || topic === 'hash-password') return { command: 'help', topic };
  throw new UsageError(`unknown command "${topic}"`, 'harp');
}

function parseServe(rest: readonly string[]): CliCommand {
  const args = joinOptionValues(rest, SERVE_OPTIONS);
  if (wantsHelp(args)) return { command: 'help', topic: 'serve' };
  const { values } = guard('serve', () => parseArgs({ args, options: SERVE_OPTIONS, strict: true, allowPositionals: false }));
  if (values.workers === undefined) return { command: 'serve' };
  // The upper bound is the configuration's (HARP_WORKERS), checked where the proxy starts.
  if (!/^\d{1,9}$/.test(values.workers) || Number(values.workers) < 1) {
    throw new UsageError(`--workers must be a whole number of 1 or more, got "${values.workers}"`, 'serve');
  }
  return { command: 'serve', workers: Number(values.workers) };
}

export const DEFAULT_AGENT_FILE = 'harp.yml';

function parseStart(rest: readonly string[]): CliCommand {
  if (wantsHelp(rest)) return { command: 'help', topic: 'start' };
  const { positionals, values } = guard('start', () =>
    parseArgs({ args: [...rest], options: START_OPTIONS, strict: true, allowPositionals: true }),
  );
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`, 'start');
  const file = positionals[0] ?? DEFAULT_AGENT_FILE;
  if (file === '') throw new UsageError('the file name is empty', 'start');
  return { command: 'start', file, ...(values['log-format'] !== undefined ? { logFormat: logFormat(values['log-format'], 'start') } : {}) };
}

function parseHttp(rest: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  const args = joinOptionValues(rest, HTTP_OPTIONS);
  if (wantsHelp(args)) return { command: 'help', topic: 'http' };
  const { values, positionals } = guard('http', () =>
    parseArgs({ args, options: HTTP_OPTIONS, strict: true, allowPositionals: true }),
  );
  if (positionals.length === 0) {
    throw new UsageError('missing <port|url>: the local server to expose, e.g. "harp http 3000"', 'http');
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`, 'http');
  const key = values.key ?? env.HARP_KEY;
  if (!key) {
    throw new UsageError(
      'no agent key: pass --key KEY or set HARP_KEY (a proxy started without a key prints the one it made)',
      'http',
    );
  }
  return {
    command: 'http',
    upstream: localTarget(positionals[0]!),
    servers: proxyServers(values.server ?? [DEFAULT_SERVER]),
    key,
    domain: hostPattern(values.domain ?? '*'),
    path: pathPrefix(values.path ?? '/'),
    ...subdomainOf(values.subdomain, values.domain, values['reuse-url'] === true),
    ...(values.ttl !== undefined ? { ttl: routeTtl(values.ttl) } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values.weight !== undefined ? { weight: poolWeight(values.weight) } : {}),
    ...(values.ca !== undefined ? { caFile: nonEmpty('--ca', values.ca) } : {}),
    ...(values['rate-limit'] !== undefined ? { rateLimit: routeRate(values['rate-limit']) } : {}),
    ...(values.h2 ? { h2: true } : {}),
    ...(values['log-format'] !== undefined ? { logFormat: logFormat(values['log-format']) } : {}),
    ...accessOf(values['basic-auth'] ?? [], values['allow-ip'] ?? [], values['deny-ip'] ?? []),
  };
}

/** `--basic-auth user:pass` (repeatable), `--allow-ip CIDR` and `--deny-ip CIDR` (repeatable). */
function accessOf(basic: readonly string[], allow: readonly string[], deny: readonly string[]): { access?: AgentAccess } {
  const basicAuth = basic.map((pair) => {
    const colon = pair.indexOf(':');
    if (colon < 1) throw new UsageError(`--basic-auth takes user:password, got "${colon === -1 ? pair : ':…'}"`, 'http');
    return { user: pair.slice(0, colon), password: pair.slice(colon + 1) };
  });
  for (const [flag, list] of [['--allow-ip', allow], ['--deny-ip', deny]] as const) {
    const bad = list.find((entry) => !isIpOrCidr(entry));
    if (bad !== undefined) throw new UsageError(`${flag} takes an IP address or CIDR block (10.0.0.0/8, 2001:db8::/32), got "${bad}"`, 'http');
  }
  if (basicAuth.length + allow.length + deny.length === 0) return {};
  return {
    access: {
      ...(basicAuth.length > 0 ? { basicAuth } : {}),
      ...(allow.length > 0 ? { allowIps: [...allow] } : {}),
      ...(deny.length > 0 ? { denyIps: [...deny] } : {}),
    },
  };
}

/** `--subdomain NAME|random` (not with `--domain`) and `--reuse-url` (only with `random`). */
function subdomainOf(subdomain: string | undefined, domain: string | undefined, reuseUrl: boolean): { subdomain?: string; reuseUrl?: boolean } {
  if (subdomain === undefined) {
    if (reuseUrl) throw new UsageError('--reuse-url needs --subdomain random', 'http');
    return {};
  }
  if (domain !== undefined) throw new UsageError('--domain and --subdomain exclude each other: give one', 'http');
  // The proxy checks the name itself (DNS label, reserved names); only what could never be one stops here.
  if (subdomain === '' || subdomain.length > 63 || /[\s./:]/.test(subdomain)) {
    throw new UsageError(`--subdomain takes one label such as demo (or random), got "${subdomain}"`, 'http');
  }
  if (reuseUrl && subdomain !== 'random') throw new UsageError('--reuse-url needs --subdomain random', 'http');
  return { subdomain, ...(reuseUrl ? { reuseUrl: true } : {}) };
}

/** `--ttl`: a route lifetime as the protocol's route carries it. */
function routeTtl(raw: string): string {
  if (parseRouteTtl(raw) === undefined) throw new UsageError(`--ttl must be ${TTL_EXPECTED}, got "${raw}"`, 'http');
  return raw;
}

/** `--rate-limit`: a rate as the protocol's route carries it. */
function routeRate(raw: string): string {
  if (parseRate(raw) === undefined) throw new UsageError(`--rate-limit must be ${RATE_EXPECTED}, got "${raw}"`, 'http');
  return raw;
}

function logFormat(raw: string, topic: HelpTopic = 'http'): LogFormat {
  if (!isLogFormat(raw)) throw new UsageError(`--log-format must be ${LOG_FORMATS.join(' or ')}, got "${raw}"`, topic);
  return raw;
}

function nonEmpty(option: string, raw: string): string {
  if (raw === '') throw new UsageError(`${option} needs a value`, 'http');
  return raw;
}

/** `--weight`: a whole number of 1 to 100, as the protocol's `hello` allows. */
function poolWeight(raw: string): number {
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 100) {
    throw new UsageError(`--weight must be a whole number from 1 to 100, got "${raw}"`, 'http');
  }
  return Number(raw);
}

/** `3000` → `http://127.0.0.1:3000`; `localhost:3000` and `http(s)://host:port` are taken as URLs. */
export function localTarget(raw: string): string {
  if (/^\d+$/.test(raw)) {
    const port = Number(raw);
    if (port < 1 || port > 65535) throw new UsageError(`port must be 1 to 65535, got ${raw}`, 'http');
    return `http://127.0.0.1:${port}`;
  }
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : /^[^/\s]+:\d+$/.test(raw) ? `http://${raw}` : undefined;
  const url = text === undefined || !URL.canParse(text) ? undefined : new URL(text);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`expected a port (3000) or an http:// URL (http://127.0.0.1:3000), got "${raw}"`, 'http');
  }
  // The public path is forwarded unchanged, so a base path here would be silently ignored.
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new UsageError(`the local URL must be an origin without a path, got "${raw}"`, 'http');
  }
  return url.origin;
}

/**
 * `--server a,b --server c` → `[a, b, c]`: a comma list, the flag repeated, or both. Server URLs
 * have no use for commas, so a comma always separates two of them.
 */
function proxyServers(given: readonly string[]): string[] {
  const servers: string[] = [];
  const seen = new Set<string>();
  for (const list of given) {
    for (const item of list.split(',').map((s) => s.trim())) {
      if (item === '') throw new UsageError(`--server has an empty item in "${list}"`, 'http');
      const url = proxyUrl(item);
      if (seen.has(url)) throw new UsageError(`--server names ${item} twice`, 'http');
      seen.add(url);
      servers.push(item);
    }
  }
  return servers;
}

function proxyUrl(raw: string): string {
  try {
    return agentUrl(raw);
  } catch {
    throw new UsageError(`--server must be a ws://, wss://, http:// or https:// URL, got "${raw}"`, 'http');
  }
}

function hostPattern(raw: string): string {
  if (raw.includes('://')) throw new UsageError(`--domain takes a host name, not a URL: got "${raw}"`, 'http');
  if (raw === '' || /[\s/]/.test(raw)) {
    throw new UsageError(`--domain takes a host name such as app.example.com, got "${raw}"`, 'http');
  }
  return raw;
}

function pathPrefix(raw: string): string {
  if (!raw.startsWith('/')) throw new UsageError(`--path must start with "/", got "${raw}"`, 'http');
  return raw;
}

// `-h`/`--help` anywhere before `--` asks for help, whatever else is wrong with the line.
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '-h' || a === '--help');
}

/**
 * `--key VALUE` → `--key=VALUE` for every option that takes a value. `util.parseArgs` refuses a
 * separate value that starts with `-`, but keys are base64url and may (the proxy prints
 * `--key <generated key>` at start-up, and one in 64 of those starts with `-`).
 */
function joinOptionValues(args: readonly string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && i + 1 < args.length) out.push(`${arg}=${args[++i]}`);
    else out.push(arg);
  }
  return out;
}

// util.parseArgs explains mistakes in its own words (and suggests `--`); these are shorter.
function guard<T>(topic: HelpTopic, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(describeParseError(err), topic);
  }
}

// Duck-typed rather than `instanceof TypeError`: under Jest, Node's errors come from another realm.
function describeParseError(err: unknown): string {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') throw err;
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const option = quoted.split(/[ ,]+/).find((part) => part.startsWith('--')) ?? quoted;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take/.test(message) ? `${option} takes no value` : `${option} needs a value`;
    default:
      throw err;
  }
}
