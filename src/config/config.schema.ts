import { z } from 'zod';
import { DEFAULT_KEY_RULE_ID } from './effective-key-rules.js';
import { fieldName, intIn, ipOrCidr, MAX_TIMER_MS, patterns, redisUrl, text } from './config.fields.js';
import { clusterSecret, clusterUrl, MAX_WORKERS, nodeId, redisPrefix } from './cluster.fields.js';
import { accessRuleSchema } from './access.fields.js';
import { LOG_LEVELS } from './harp-config.js';
import { HOST_PATTERN_FLAGS, PATH_PATTERN_FLAGS } from './rule-pattern.js';
import { rate, rateLimitRuleSchema } from './rate-limit.fields.js';
import { checkTls, tlsCertificateSchema } from './tls.fields.js';
import { publicDomain, publicUrl, reconnectSecret } from './public-url.fields.js';

// Window and frame sizes fit an unsigned 31-bit field, as HTTP/2's do (RFC 9113 §6.9.1).
const MAX_WINDOW = 2 ** 31 - 1;
// Agents accept WebSocket messages up to 4 MiB; a DATA frame must fit in one with its header.
const MAX_FRAME = 1024 * 1024;
// A cached object is buffered whole while it is stored, and Redis strings stop at 512 MiB.
const MAX_CACHE_OBJECT = 256 * 1024 * 1024;
// The inspector holds its entries in memory: capacity × 2 bodies must stay far below a heap.
const MAX_INSPECTOR_CAPACITY = 100_000;
const MAX_INSPECTOR_BODY = 1024 * 1024;

/** One entry of `keys`. */
export const keyRuleSchema = z.strictObject({
  id: text(),
  key: text(),
  hosts: patterns(HOST_PATTERN_FLAGS),
  paths: patterns(PATH_PATTERN_FLAGS),
  /** Whether the key's agents may ask for visitor access rules on the routes they register. */
  agentAccess: z.boolean({ error: 'expected true or false' }).optional(),
  /** Whether the key's agents may ask for a rate limit on the routes they register. */
  agentRateLimits: z.boolean({ error: 'expected true or false' }).optional(),
  /** Whether the key's agents may claim subdomains of `publicDomain`. */
  subdomains: z.boolean({ error: 'expected true or false' }).optional(),
});

/**
 * The configuration as it may be written in the file, the environment (after coercion) or
 * overrides. Strict: an unknown key is an error, not silently ignored, so a typo such as `prot`
 * cannot leave a setting at its default.
 */
export const harpConfigSchema = z
  .strictObject({
    port: intIn(0, 65535).default(8080),
    host: text().default('0.0.0.0'),
    tlsCert: text('the path of a PEM certificate file').optional(),
    tlsKey: text('the path of a PEM private key file').optional(),
    tlsPort: intIn(0, 65535).default(8443),
    tlsCertificates: z.array(tlsCertificateSchema, { error: 'expected a list of certificates' }).default(() => []),
    httpRedirect: z.boolean({ error: 'expected true or false' }).default(false),
    key: text().optional(),
    keys: z.array(keyRuleSchema, { error: 'expected a list of key rules' }).default(() => []),
    adminToken: text().optional(),
    access: z.array(accessRuleSchema, { error: 'expected a list of access rules' }).default(() => []),
    redisUrl: redisUrl.optional(),
    clusterSecret: clusterSecret.optional(),
    redisPrefix: redisPrefix.default('harp:'),
    nodeId: nodeId.optional(),
    clusterHost: text().optional(),
    clusterPort: intIn(0, 65535).default(0),
    clusterUrl: clusterUrl.optional(),
    clusterHeartbeatMs: intIn(10, MAX_TIMER_MS).default(2000),
    workers: intIn(1, MAX_WORKERS).default(1),
    maxBodyBytes: intIn(1, Number.MAX_SAFE_INTEGER).default(1073741824),
    requestTimeoutMs: intIn(1, MAX_TIMER_MS).default(30000),
    heartbeatMs: intIn(1, MAX_TIMER_MS).default(5000),
    drainTimeoutMs: intIn(1, MAX_TIMER_MS).default(30000),
    routeGraceMs: intIn(0, MAX_TIMER_MS).default(10000),
    maxHeldRequestsPerRoute: intIn(0, MAX_WINDOW).default(1000),
    shutdownDelayMs: intIn(0, MAX_TIMER_MS).default(0),
    shutdownTimeoutMs: intIn(1, MAX_TIMER_MS).default(30000),
    maxHeaderBytes: intIn(1, Number.MAX_SAFE_INTEGER).default(16384),
    headersTimeoutMs: intIn(1, MAX_TIMER_MS).default(10000),
    trustedProxies: z
      .array(ipOrCidr, { error: 'expected a list of IP addresses or CIDR blocks' })
      .default(() => []),
    windowBytes: intIn(1, MAX_WINDOW).default(262144),
    maxFrameBytes: intIn(1024, MAX_FRAME).default(65536),
    maxStreamsPerAgent: intIn(1, MAX_WINDOW).default(1000),
    ejectAfterFailures: intIn(1, 1000).default(5),
    ejectBaseMs: intIn(1, MAX_TIMER_MS).default(5000),
    ejectMaxMs: intIn(1, MAX_TIMER_MS).default(60000),
    logLevel: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    accessLog: z.boolean({ error: 'expected true or false' }).default(true),
    cacheEnabled: z.boolean({ error: 'expected true or false' }).default(true),
    cacheMaxBytes: intIn(1, Number.MAX_SAFE_INTEGER).default(268435456),
    cacheMaxObjectBytes: intIn(1, MAX_CACHE_OBJECT).default(8388608),
    cacheStoreTimeoutMs: intIn(1, MAX_TIMER_MS).default(250),
    cacheCoalesceTimeoutMs: intIn(0, MAX_TIMER_MS).default(5000),
    cacheOfflineMaxStaleMs: intIn(0, Number.MAX_SAFE_INTEGER).default(300000),
    lingeringTimeoutMs: intIn(1, MAX_TIMER_MS).default(2000),
    lingeringTimeMs: intIn(1, MAX_TIMER_MS).default(10000),
    lingeringMaxBytes: intIn(0, Number.MAX_SAFE_INTEGER).default(67108864),
    inspectorEnabled: z.boolean({ error: 'expected true or false' }).default(true),
    inspectorCapacity: intIn(1, MAX_INSPECTOR_CAPACITY).default(500),
    inspectorBodies: z.boolean({ error: 'expected true or false' }).default(false),
    inspectorBodyBytes: intIn(0, MAX_INSPECTOR_BODY).default(16384),
    rateLimit: rate.optional(),
    rateLimits: z.array(rateLimitRuleSchema, { error: 'expected a list of rate-limit rules' }).default(() => []),
    publicDomain: publicDomain.optional(),
    publicUrl: publicUrl.optional(),
    reconnectSecret: reconnectSecret.optional(),
    inspectorRedactHeaders: z
      .array(fieldName, { error: 'expected a list of header field names' })
      .default(() => []),
  })
  // Cross-field rules run only on otherwise valid input, so they can trust the shapes.
  .superRefine(checkCrossFields, { when: (payload) => payload.issues.length === 0 });

/** The configuration before defaults: what a file, the environment or overrides may hold. */
export type HarpConfigInput = z.input<typeof harpConfigSchema>;

/** The configuration after validation and defaults, before the key is generated. */
export type HarpConfigParsed = z.output<typeof harpConfigSchema>;

/** The top-level keys, each of which has a `HARP_*` environment twin. */
export type HarpConfigKey = keyof HarpConfigInput;

function checkCrossFields(config: HarpConfigParsed, ctx: z.RefinementCtx<HarpConfigParsed>): void {
  checkKeyRules(config, ctx);
  checkInspectorMemory(config, ctx);
  checkEjection(config, ctx);
  checkCluster(config, ctx);
  checkTls(config, ctx);
  checkRateLimitRules(config, ctx);
}

/** A rule's id names its bucket, its metric and its policy: two rules must not share one. */
function checkRateLimitRules(config: HarpConfigParsed, ctx: z.RefinementCtx<HarpConfigParsed>): void {
  const ids = new Map<string, number>();
  config.rateLimits.forEach((rule, index) => {
    if (rule.id === undefined) return;
    const same = ids.get(rule.id);
    if (same === undefined) ids.set(rule.id, index);
    else ctx.addIssue({ code: 'custom', path: ['rateLimits', index, 'id'], input: rule.id, message: `duplicate id, also used by rateLimits[${same}]` });
  });
}

/**
 * Cluster mode keeps its directory in Redis, so a secret without a Redis is a mistake, not a
 * single proxy; and several workers on one port only act as one proxy through that directory.
 */
function checkCluster(config: HarpConfigParsed, ctx: z.RefinementCtx<HarpConfigParsed>): void {
  if (config.clusterSecret !== undefined && config.redisUrl === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['clusterSecret'],
      message: 'turns cluster mode on, which needs redisUrl (HARP_REDIS_URL) as well: the nodes share their directory through Redis',
    });
  }
  if (config.workers > 1 && config.clusterSecret === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['workers'],
      input: config.workers,
      message: 'more than 1 needs cluster mode (clusterSecret, HARP_CLUSTER_SECRET): workers act as one proxy through the cluster directory',
    });
  }
}

/** The backoff doubles from the base up to the cap, so the base cannot be above the cap. */
function checkEjection(config: HarpConfigParsed, ctx: z.RefinementCtx<HarpConfigParsed>): void {
  if (config.ejectBaseMs <= config.ejectMaxMs) return;
  ctx.addIssue({
    code: 'custom',
    path: ['ejectBaseMs'],
    input: config.ejectBaseMs,
    message: `must not exceed ejectMaxMs (${config.ejectMaxMs})`,
  });
}

/** Memory the inspector's bodies may hold at most: two bodies per exchange, every slot full. */
export const MAX_INSPECTOR_BODY_MEMORY = 256 * 1024 * 1024;

/** Kept bodies must fit {@link MAX_INSPECTOR_BODY_MEMORY}, whatever traffic comes. */
function checkInspectorMemory(config: HarpConfigParsed, ctx: z.RefinementCtx<HarpConfigParsed>): void {
  if (!config.inspectorBodies) return;
  const worst = config.inspectorCapacity * config.inspectorBodyBytes * 2;
  if (worst <= MAX_INSPECTOR_BODY_MEMORY) return;
  ctx.addIssue({
    code: 'custom',
    path: ['inspectorBodyBytes'],
    input: config.inspectorBodyBytes,
    message: `with inspectorCapacity ${config.inspectorCapacity}, bodies could hold ${Math.ceil(worst / 2 ** 20)} MiB; lower inspectorCapacity × inspectorBodyBytes × 2 to at most 256 MiB`,
  });
}

/** A presented key must select exactly one rule, and each rule id must name one rule. */
function checkKeyRules(config: HarpConfigParsed, ctx: z.RefinementCtx<HarpConfigParsed>): void {
  const ids = new Map<string, number>();
  const keys = new Map<string, string>();
  if (config.key !== undefined) keys.set(config.key, 'key');
  const problem = (index: number, field: 'id' | 'key', message: string): void => {
    // `input` is the id (safe to show) or nothing (a key is a secret).
    const input = field === 'id' ? config.keys[index]!.id : undefined;
    ctx.addIssue({ code: 'custom', path: ['keys', index, field], input, message });
  };
  config.keys.forEach((rule, index) => {
    if (config.key !== undefined && rule.id === DEFAULT_KEY_RULE_ID) {
      problem(index, 'id', 'reserved for the rule made from key');
    }
    const sameId = ids.get(rule.id);
    if (sameId === undefined) ids.set(rule.id, index);
    else problem(index, 'id', `duplicate id, also used by keys[${sameId}]`);
    const sameKey = keys.get(rule.key);
    if (sameKey === undefined) keys.set(rule.key, `keys[${index}]`);
    else problem(index, 'key', `same key as ${sameKey}; a key must select one rule`);
  });
}
