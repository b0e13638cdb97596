import { z } from 'zod';
import { ProtocolError } from './errors.js';
import { parseRate, RATE_EXPECTED } from './rate-limit.js';
import { parseRouteTtl, TTL_EXPECTED } from './route-ttl.js';

// Control messages are JSON objects on stream 0, discriminated by `type`. They are rare (a few
// per connection), so readability wins over compactness here; bodies never travel as JSON.

/** A route's cache settings: off, or a lifetime (s) for cacheable responses that state none. */
const routeCacheSchema = z.strictObject({
  enabled: z.boolean().optional(),
  defaultTtlSeconds: z.number().int().min(0).max(31_536_000).optional(),
});
/** A field name as HTTP allows it (RFC 9110 §5.1: a token), or a cookie name (also a token). */
const token = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected a token (RFC 9110 §5.6.2)');
/** Keep a client on one member by the value of a request header or of a cookie. */
const routeStickySchema = z.union([z.strictObject({ header: token }), z.strictObject({ cookie: token })]);
/**
 * Visitor access rules an agent asks for on a route (docs/protocol.md §7.2): secrets in plain
 * text, which the authenticated tunnel carries and the proxy hashes on receipt.
 */
const routeAccessSchema = z.strictObject({
  basicAuth: z
    .array(z.strictObject({ user: z.string().min(1).max(256), password: z.string().max(1024) }))
    .min(1)
    .max(10)
    .optional(),
  bearerTokens: z.array(z.string().min(1).max(1024)).min(1).max(10).optional(),
  allowIps: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
  denyIps: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
});
/** A limit the agent asks for on the whole route (`N/s`, `N/m`, `N/h`), if its key may. */
const routeRateLimitSchema = z.string().refine((text) => parseRate(text) !== undefined, `expected ${RATE_EXPECTED}`);
const routeSchema = z.strictObject({
  host: z.string().min(1).max(255),
  path: z.string().min(1).max(2048),
  cache: routeCacheSchema.optional(),
  balance: z.enum(['round-robin', 'least-requests']).optional(),
  sticky: routeStickySchema.optional(),
  access: routeAccessSchema.optional(),
  rateLimit: routeRateLimitSchema.optional(),
});
/**
 * The `subdomains` feature (docs/protocol.md §7.6): a route may name a label under the proxy's
 * public domain (or `random`) instead of a host, a lifetime, and the reconnect token of a name
 * the proxy generated earlier.
 */
const subdomainFields = {
  subdomain: z.string().min(1).max(63).optional(),
  ttl: z
    .string()
    .refine((text) => parseRouteTtl(text) !== undefined, `expected ${TTL_EXPECTED}`)
    .optional(),
  token: z.string().min(1).max(512).optional(),
};
/** A route in `register`: a host, or (with the `subdomains` feature) a subdomain instead. */
const registerRouteSchema = routeSchema
  .extend({ host: routeSchema.shape.host.optional(), ...subdomainFields })
  .refine((route) => (route.host === undefined) !== (route.subdomain === undefined), 'expected exactly one of host and subdomain')
  .refine((route) => route.token === undefined || route.subdomain === 'random', 'a token goes only with subdomain "random"');
/**
 * A route in `registered`'s `accepted`: host and path, and with the `subdomains` feature what the
 * agent needs to tell its user and to come back: the public URL, the subdomain it asked for, the
 * reconnect token of a generated name and the lifetime left.
 */
const acceptedRouteSchema = routeSchema.extend({
  url: z.string().min(1).max(2048).optional(),
  subdomain: z.string().min(1).max(63).optional(),
  token: z.string().min(1).max(512).optional(),
  ttlMs: z.number().int().positive().optional(),
});
const routeRejectionSchema = z.strictObject({
  host: z.string(),
  path: z.string(),
  code: z.string(),
  reason: z.string(),
  /** The subdomain the refused route asked for (`subdomains` feature); its host may then be empty. */
  subdomain: z.string().optional(),
});

/** agent → proxy, first frame: "who I am and the key I hold". */
const hello = z.strictObject({
  type: z.literal('hello'),
  protocol: z.literal(1),
  key: z.string().max(1024),
  name: z.string().max(200).optional(),
  agent: z.string().max(200).optional(),
  weight: z.number().int().min(1).max(100).optional(),
});
/** agent → proxy: "route these to me"; answered by `registered` with the same id. */
const register = z.strictObject({
  type: z.literal('register'),
  id: z.number().int().nonnegative(),
  routes: z.array(registerRouteSchema).min(1).max(100),
});
/** agent → proxy: "stop routing these to me". */
const unregister = z.strictObject({
  type: z.literal('unregister'),
  id: z.number().int().nonnegative(),
  routes: z.array(routeSchema).min(1).max(100),
});
/** either way: "open no new streams on this connection; finish those in flight". */
const drain = z.strictObject({ type: z.literal('drain'), reason: z.string().max(500).optional() });
/**
 * proxy → agent, the answer to the agent's `drain`: "no new stream will be opened on this
 * connection after this message". Every stream opened before it has already arrived.
 */
const draining = z.strictObject({ type: z.literal('draining') });
/** proxy → agent: the hello was accepted; the limits of this connection. */
const welcome = z.strictObject({
  type: z.literal('welcome'),
  agentId: z.string(),
  /**
   * The proxy node behind this connection, when the proxy knows one: an agent connected to
   * several proxies keeps one connection per node (docs/protocol.md §7.1).
   */
  nodeId: z.string().min(1).max(200).optional(),
  /** The optional features this connection uses (§3.5); only if the agent's handshake offered some. */
  features: z.array(z.string().min(1).max(64)).max(32).optional(),
  heartbeatMs: z.number().int().positive(),
  windowBytes: z.number().int().positive(),
  maxFrameBytes: z.number().int().positive(),
  maxStreams: z.number().int().positive(),
});
/** proxy → agent: the hello was refused; the connection closes with 4401 after it. */
const rejected = z.strictObject({ type: z.literal('rejected'), code: z.string(), reason: z.string() });
/** proxy → agent: the outcome of one `register` or `unregister`, route by route. */
const registered = z.strictObject({
  type: z.literal('registered'),
  id: z.number().int().nonnegative(),
  accepted: z.array(acceptedRouteSchema),
  rejected: z.array(routeRejectionSchema),
});
/**
 * proxy → agent (`subdomains` feature): "these routes reached the end of their `ttl`". The proxy
 * opens no new stream for them on this connection; streams in flight finish.
 */
const expired = z.strictObject({
  type: z.literal('expired'),
  routes: z.array(z.strictObject({ host: z.string(), path: z.string() })).min(1).max(100),
});
/**
 * proxy → agent: "this proxy is going away: connect again (the same URL) and move your routes
 * there; the streams in flight here finish". Unlike `drain`, the agent keeps serving.
 */
const goaway = z.strictObject({ type: z.literal('goaway'), reason: z.string().max(500) });
/**
 * proxy → agent, after a `registered` that accepted them: "these routes are no longer yours on
 * this connection". Sent when the proxy learns only later that another key owns a route (a
 * cluster's ownership claim settles a race its registration check could not see); no stream
 * for them comes after it. Each carries a rejection code, as in `registered`.
 */
const withdrawn = z.strictObject({ type: z.literal('withdrawn'), routes: z.array(routeRejectionSchema).min(1).max(100) });
/** either way: a fatal error; the sender closes the connection after it. */
const error = z.strictObject({ type: z.literal('error'), code: z.string(), message: z.string() });

// One schema per direction types what a side may send (TunnelConnection.sendControl) and
// checks what the other side receives (the parsers below), so the two cannot disagree.

/** Every control message an agent may send to the proxy (docs/protocol.md §7). */
export const agentControlSchema = z.discriminatedUnion('type', [hello, register, unregister, drain, error]);
/** Every control message the proxy may send to an agent (docs/protocol.md §7). */
export const proxyControlSchema = z.discriminatedUnion('type', [
  welcome,
  rejected,
  registered,
  withdrawn,
  expired,
  drain,
  draining,
  goaway,
  error,
]);

export type RouteClaim = z.infer<typeof routeSchema>;
/** A route as `register` carries it: a {@link RouteClaim}, or a subdomain instead of its host. */
export type RegisterRouteClaim = z.infer<typeof registerRouteSchema>;
/** A route as `registered` accepts it, with its public URL, token and lifetime when known. */
export type AcceptedRoute = z.infer<typeof acceptedRouteSchema>;
export type RouteAccess = z.infer<typeof routeAccessSchema>;
export type RouteRejection = z.infer<typeof routeRejectionSchema>;
/** A control message agent → proxy: what the agent sends and the proxy accepts. */
export type AgentControl = z.infer<typeof agentControlSchema>;
/** A control message proxy → agent: what the proxy sends and the agent accepts. */
export type ProxyControl = z.infer<typeof proxyControlSchema>;
/** The messages either side may send (`drain`, `error`): what a side of unknown role may send. */
export type SharedControl = Extract<AgentControl, { type: ProxyControl['type'] }>;
export type HelloMessage = z.infer<typeof hello>;
export type WelcomeMessage = z.infer<typeof welcome>;
export type RegisteredMessage = z.infer<typeof registered>;
export type WithdrawnMessage = z.infer<typeof withdrawn>;
export type ExpiredMessage = z.infer<typeof expired>;

function parse<T>(schema: z.ZodType<T>, message: unknown): T {
  const result = schema.safeParse(message);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ProtocolError('control_bad_message', `bad control message${where}: ${issue?.message}`);
}

/** Validates a control message the proxy received from an agent. */
export const parseAgentControl = (message: unknown): AgentControl => parse(agentControlSchema, message);

/** Validates a control message the agent received from the proxy. */
export const parseProxyControl = (message: unknown): ProxyControl => parse(proxyControlSchema, message);
