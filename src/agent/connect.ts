import { HarpError } from '../errors/index.js';
import { parseRate, parseRouteTtl, RATE_EXPECTED, TTL_EXPECTED } from '../protocol/index.js';
import type { AgentRoute, ConnectOptions } from './agent-options.js';
import { HarpAgent } from './harp-agent.js';
import type { AgentReady } from './harp-agent.js';
import { h2Upstream } from './h2-upstream.js';
import { handlerUpstream, urlUpstream } from './local-upstream.js';
import type { OwnedUpstream } from './local-upstream.js';
import { changesRequest, isFramingField } from './request-transform.js';
import { routedUpstream, transformOf } from './route-upstreams.js';

/**
 * Connects a backend to one HARP proxy or several and starts serving its routes. Resolves once
 * the routes are registered on the first proxy; rejects if every proxy refuses the key. The
 * agent keeps reconnecting to each after that until `agent.close()`.
 *
 * ```ts
 * const agent = await connect({ server: 'ws://proxy:8080', key, upstream: 'http://127.0.0.1:3000' });
 * const both = await connect({ server: ['wss://p1.example.com', 'wss://p2.example.com'], key, upstream });
 * ```
 */
export async function connect(options: ConnectOptions): Promise<HarpAgent> {
  const { agent, ready } = await startAgent(options);
  await ready;
  return agent;
}

/** Like {@link connect}, but hands back the agent at once, with a promise for the first registration. */
export async function startAgent(
  options: ConnectOptions,
): Promise<{ agent: HarpAgent; ready: Promise<AgentReady> }> {
  checkUpstreams(options);
  checkWeight(options.weight);
  checkRateLimits(options);
  for (const route of options.routes ?? []) checkRouteTransforms(route);
  checkSubdomains(options);
  if (options.h2 && options.handler) throw new TypeError('h2 needs an upstream URL, not a handler');
  const open = (url: string, h2: boolean): OwnedUpstream => (h2 ? h2Upstream(url) : urlUpstream(url));
  const fallback = options.handler
    ? await handlerUpstream(options.handler, options.upgrade)
    : options.upstream !== undefined
      ? open(options.upstream, options.h2 === true)
      : undefined;
  const routes = options.routes ?? [];
  // Without per-route upstreams every request goes where it always went, unchanged.
  const perRoute = routes.some((r) => r.upstream !== undefined || changesRequest(transformOf(r, r.path ?? '/')));
  const upstream = perRoute ? routedUpstream(fallback, routes, open) : fallback!;
  const agent = new HarpAgent(options, upstream);
  const ready = new Promise<AgentReady>((resolve, reject) => {
    agent.once('ready', resolve);
    // One proxy's refusal is not the agent's: it stops (and this rejects) once all refused,
    // every address of every server included.
    agent.on('rejected', (r) => {
      if (agent.rejected) reject(new AgentRejectedError(r.code, r.reason));
    });
  });
  ready.catch(() => undefined); // callers that only want the agent must not see an unhandled rejection
  agent.start();
  return { agent, ready };
}

// Every route needs somewhere to send its requests: its own upstream or the connection's.
function checkUpstreams({ upstream, handler, routes = [] }: ConnectOptions): void {
  if (upstream !== undefined && handler) throw new TypeError('give exactly one of upstream and handler');
  if (upstream !== undefined || handler) return;
  if (routes.length === 0 || routes.some((r) => r.upstream === undefined)) {
    throw new TypeError('give exactly one of upstream and handler, or an upstream on every route');
  }
}

// undici would refuse such a field on every request, after the route was registered.
function checkRouteTransforms(route: AgentRoute): void {
  const where = `route ${route.host ?? '*'}${route.path ?? '/'}`;
  const fields = [...Object.entries(route.addHeaders ?? {}), ...(route.hostHeader === undefined ? [] : [['Host', route.hostHeader] as const])];
  for (const [name, value] of fields) {
    if (!FIELD_NAME.test(name)) throw new TypeError(`${where}: addHeaders: "${name}" is not a header name`);
    if (isFramingField(name)) throw new TypeError(`${where}: addHeaders: ${name} frames the message and cannot be changed`);
    if (!FIELD_VALUE.test(value)) throw new TypeError(`${where}: ${name}: a header value may not hold control characters`);
  }
  for (const name of route.removeHeaders ?? []) {
    if (!FIELD_NAME.test(name)) throw new TypeError(`${where}: removeHeaders: "${name}" is not a header name`);
    if (isFramingField(name)) throw new TypeError(`${where}: removeHeaders: ${name} frames the message and cannot be changed`);
  }
  if (typeof route.stripPrefix === 'string' && !route.stripPrefix.startsWith('/')) {
    throw new TypeError(`${where}: stripPrefix must start with "/", got "${route.stripPrefix}"`);
  }
}

/** RFC 9110 §5.1: a field name is a token. */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9110 §5.5: visible characters, spaces and tabs (no CR, LF or NUL). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const FIELD_VALUE = /^[^\x00-\x08\x0a-\x1f\x7f]*$/;

// The proxy would refuse a hello with another weight as a protocol error; say why here instead.
function checkWeight(weight: number | undefined): void {
  if (weight === undefined || (Number.isInteger(weight) && weight >= 1 && weight <= 100)) return;
  throw new TypeError(`weight must be a whole number from 1 to 100, got ${weight}`);
}

// The proxy would refuse a register with a bad rate as a protocol error and close the connection.
function checkRateLimits({ rateLimit, routes = [] }: ConnectOptions): void {
  for (const rate of [rateLimit, ...routes.map((route) => route.rateLimit)]) {
    if (rate !== undefined && parseRate(rate) === undefined) throw new TypeError(`rateLimit must be ${RATE_EXPECTED}, got ${rate}`);
  }
}

// The proxy would refuse these as protocol errors and close the connection: say why here instead.
function checkSubdomains({ routes = [], features }: ConnectOptions): void {
  for (const route of routes) {
    if (route.subdomain !== undefined && route.host !== undefined) throw new TypeError('a route takes a host or a subdomain, not both');
    if (route.subdomain !== undefined && (route.subdomain.length === 0 || route.subdomain.length > 63)) {
      throw new TypeError(`subdomain must be 1 to 63 characters, got "${route.subdomain}"`);
    }
    if (route.ttl !== undefined && parseRouteTtl(route.ttl) === undefined) throw new TypeError(`ttl must be ${TTL_EXPECTED}, got ${route.ttl}`);
    if (route.token !== undefined && route.subdomain !== 'random') throw new TypeError('a token goes only with subdomain "random"');
    const uses = route.subdomain !== undefined || route.ttl !== undefined;
    if (uses && features !== undefined && !features.includes('subdomains')) throw new TypeError('subdomain and ttl need the subdomains feature');
  }
}

/** The proxy refused the agent's key. */
export class AgentRejectedError extends HarpError {
  constructor(
    code: string,
    readonly reason: string,
  ) {
    super(code, `the proxy rejected this agent (${code}): ${reason}`);
  }
}
