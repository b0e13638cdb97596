import { z } from 'zod';
import { isIpOrCidr } from '../access/index.js';
import { isFramingField } from '../agent/request-transform.js';
import { parseRate, parseRouteTtl, RATE_EXPECTED, TTL_EXPECTED } from '../protocol/index.js';
import { normalizeHostPattern, normalizePathPrefix } from '../routing/route-pattern.js';
import { RoutePatternError } from '../routing/routing.errors.js';

// The schema of `harp start`'s file (docs/agent.md). Values are checked here, where a mistake
// can name its service and key, rather than by the proxy after the agent connected.

/** A check that adds one issue with `message` when `valid` says no. */
const checked = <T extends z.ZodType>(schema: T, valid: (value: z.output<T>) => string | undefined) =>
  schema.superRefine((value, ctx) => {
    const message = valid(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });

const patternReason = (check: () => unknown): string | undefined => {
  try {
    check();
    return undefined;
  } catch (err) {
    if (err instanceof RoutePatternError) return err.reason;
    throw err;
  }
};

const text = z.string({ error: 'expected a string' });
const nonEmpty = text.min(1, 'expected a non-empty string');
const token = nonEmpty.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected a header name (letters, digits and !#$%&\'*+.^_`|~-)');
/** A request field a transform may change: not one that frames the message. */
const changeable = checked(token, (name) => (isFramingField(name) ? `${name} frames the message and cannot be changed` : undefined));
/** YAML reads `X-Version: 2` as a number: a header value is its text either way. */
const fieldValue = z
  .union([text, z.number(), z.boolean()], { error: 'expected a string' })
  .transform(String)
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  .refine((value) => !/[\x00-\x08\x0a-\x1f\x7f]/.test(value), 'a header value may not hold control characters');
const ipList = z.array(checked(nonEmpty, (ip) => (isIpOrCidr(ip) ? undefined : 'expected an IP address or CIDR block (10.0.0.0/8, 2001:db8::/32)')), {
  error: 'expected a list of IP addresses or CIDR blocks',
});

/** A port (`3000`, `"3000"`) or an `http(s)://` origin: the local server, as `harp http` takes it. */
const upstream = z.unknown().transform((value, ctx) => {
  const url = upstreamUrl(value);
  if (url === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a port or URL (3000, http://127.0.0.1:3000)' });
    return z.NEVER;
  }
  return url;
});

export function upstreamUrl(value: unknown): string | undefined {
  const port = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : undefined;
  if (port !== undefined) return Number.isInteger(port) && port >= 1 && port <= 65535 ? `http://127.0.0.1:${port}` : undefined;
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value) || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  // The public path is what the upstream gets (after stripPrefix), so a base path would be ignored.
  return url.pathname === '/' && !url.search && !url.hash ? url.origin : undefined;
}

const service = z.strictObject({
  name: nonEmpty.max(100, 'expected at most 100 characters'),
  domain: checked(nonEmpty, (host) => patternReason(() => normalizeHostPattern(host))).optional(),
  subdomain: nonEmpty
    .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/i, 'expected one DNS label (letters, digits, inner hyphens) or "random"')
    .optional(),
  path: checked(nonEmpty, (path) => patternReason(() => normalizePathPrefix(path))).optional(),
  upstream,
  h2: z.boolean({ error: 'expected true or false' }).optional(),
  stripPrefix: z
    .union([z.boolean(), text], { error: 'expected true, false or a path prefix' })
    .refine((v) => typeof v === 'boolean' || v.startsWith('/'), 'a prefix must start with "/"')
    .optional(),
  addHeaders: z
    .record(token, fieldValue, { error: (issue) => (issue.code === 'invalid_type' ? 'expected a mapping of header names to values' : undefined) })
    // Checked after the record, whose key errors would hide this message behind its own.
    .superRefine((fields, ctx) => {
      for (const name of Object.keys(fields).filter(isFramingField)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `${name} frames the message and cannot be changed` });
      }
    })
    .optional(),
  removeHeaders: z.array(changeable, { error: 'expected a list of header names' }).optional(),
  hostHeader: checked(nonEmpty, (host) => (/[\s/]/.test(host) ? 'expected a host, with an optional :port' : undefined)).optional(),
  // The proxy's own rule for a route's lifetime (docs/protocol.md §7.6), so that a file it would refuse fails here.
  ttl: checked(nonEmpty, (ttl) => (parseRouteTtl(ttl) === undefined ? `expected ${TTL_EXPECTED}` : undefined)).optional(),
  basicAuth: z
    .array(z.strictObject({ user: nonEmpty, password: text }), { error: 'expected a list of { user, password }' })
    .min(1, 'expected at least one user')
    .optional(),
  bearerTokens: z.array(nonEmpty, { error: 'expected a list of tokens' }).min(1, 'expected at least one token').optional(),
  allowIps: ipList.min(1, 'expected at least one address').optional(),
  denyIps: ipList.min(1, 'expected at least one address').optional(),
  cache: z
    .strictObject({
      enabled: z.boolean({ error: 'expected true or false' }).optional(),
      defaultTtlSeconds: z.number({ error: 'expected a number of seconds' }).int('expected whole seconds').min(0).max(31_536_000).optional(),
    })
    .optional(),
  rateLimit: checked(nonEmpty, (rate) => (parseRate(rate) === undefined ? `expected ${RATE_EXPECTED}` : undefined)).optional(),
  balance: z.enum(['round-robin', 'least-requests'], { error: 'expected round-robin or least-requests' }).optional(),
  sticky: z
    .union([z.strictObject({ header: token }), z.strictObject({ cookie: token })], { error: 'expected { header: NAME } or { cookie: NAME }' })
    .optional(),
  // Weights are per agent connection (src/routing/README.md): one connection, one weight.
  weight: z
    .unknown()
    .refine(() => false, 'a weight is per agent, not per service: set weight at the top of the file')
    .optional(),
});

/** The whole file: where to connect, with which key, and the services. */
export const agentFileSchema = z.strictObject({
  server: z.union([nonEmpty, z.array(nonEmpty).min(1, 'expected at least one server')], { error: 'expected a URL or a list of URLs' }).optional(),
  key: nonEmpty.optional(),
  ca: nonEmpty.optional(),
  name: nonEmpty.max(200).optional(),
  weight: z.number({ error: 'expected a whole number from 1 to 100' }).int('expected a whole number from 1 to 100').min(1).max(100).optional(),
  services: z.array(service, { error: 'expected a list of services' }).min(1, 'expected at least one service'),
});

export type AgentFileInput = z.output<typeof agentFileSchema>;
export type ServiceInput = AgentFileInput['services'][number];
