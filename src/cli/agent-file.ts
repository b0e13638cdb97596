import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { agentUrl } from '../agent/agent-options.js';
import type { AgentRoute } from '../agent/agent-options.js';
import { normalizeHostPattern, normalizePathPrefix } from '../routing/route-pattern.js';
import { agentFileSchema } from './agent-file.schema.js';
import type { AgentFileInput, ServiceInput } from './agent-file.schema.js';
import { interpolateEnv, UnsetVariableError } from './env-interpolation.js';
import { DEFAULT_SERVER } from './parse-args.js';
import { UsageError } from './usage-error.js';

/** One service of the file: its name, its local server and the route the agent asks for. */
export interface StartService {
  readonly name: string;
  readonly upstream: string;
  readonly route: AgentRoute;
}

/** What `harp start` runs: the file, validated, with its variables filled in. */
export interface StartPlan {
  readonly servers: readonly string[];
  readonly key: string;
  /** The `ca` file, resolved against the agent file's folder. */
  readonly caFile?: string;
  readonly name?: string;
  readonly weight?: number;
  readonly services: readonly StartService[];
}

/** The agent file cannot be used; names the file, and the service and key at fault. Exit status 2. */
export class AgentFileError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    // One "harp: " line per problem, as main.ts prints a usage error's message after "harp: ".
    super(problems.map((problem) => `${file}: ${problem}`).join('\nharp: '), 'start');
  }
}

type Path = readonly PropertyKey[];

/**
 * Reads an agent file's text (docs/agent.md). Pure: `env` fills `${NAME}` references and gives
 * `HARP_KEY` when the file has no key; `file` names the file in errors and locates `ca`.
 *
 * @throws {AgentFileError} for YAML syntax, an unset variable, and every schema problem.
 */
export function parseAgentFile(text: string, file: string, env: NodeJS.ProcessEnv): StartPlan {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new AgentFileError(file, doc.errors.map(syntaxProblem));
  const raw = doc.toJS() as unknown;
  let data: unknown;
  try {
    data = interpolateEnv(raw, env);
  } catch (err) {
    if (err instanceof UnsetVariableError) throw new AgentFileError(file, [`${where(err.path, raw)}${err.message}`]);
    throw err;
  }
  const parsed = agentFileSchema.safeParse(data ?? {});
  if (!parsed.success) throw new AgentFileError(file, describeIssues(parsed.error.issues, data));
  const problems = crossChecks(parsed.data);
  if (problems.length > 0) throw new AgentFileError(file, problems);
  return plan(parsed.data, file, env);
}

/** `file:3:1: Flow sequence … end with a ]`: the parser's first sentence, at its line and column. */
function syntaxProblem(error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): string {
  const sentence = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const at = error.linePos?.[0];
  return at ? `line ${at.line}, column ${at.col}: ${sentence}` : sentence;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], data: unknown): string[] {
  const lines = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.add(`${where(issue.path, data)}unknown key "${key}"`);
    } else if (issue.code === 'invalid_key') {
      // A mapping's key (a header name): what is wrong with it, not only that it is wrong.
      lines.add(`${where(issue.path, data)}${issue.issues[0]?.message ?? issue.message}`);
    } else {
      lines.add(`${where(issue.path, data)}${issue.message}`);
    }
  }
  return [...lines];
}

/**
 * `services[1] (api): upstream: ` for a key of a service, `server: ` for a key at the top, and
 * `services[1] (api): ` for the service itself: each problem says whose it is.
 */
function where(path: Path, data: unknown): string {
  const [top, index, ...rest] = path;
  if (top === undefined) return '';
  if (top !== 'services' || typeof index !== 'number') return `${keyPath(path)}: `;
  const name = serviceName(data, index);
  const service = `services[${index}]${name ? ` (${name})` : ''}: `;
  return rest.length === 0 ? service : `${service}${keyPath(rest)}: `;
}

function serviceName(data: unknown, index: number): string | undefined {
  const services = (data as { services?: unknown } | null)?.services;
  const name = Array.isArray(services) ? (services[index] as { name?: unknown } | null)?.name : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function keyPath(path: Path): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
}

/** What one key of the schema cannot see: names and routes unique, one kind of host. */
function crossChecks(file: AgentFileInput): string[] {
  const problems: string[] = [];
  const names = new Map<string, number>();
  const routes = new Map<string, number>();
  file.services.forEach((service, i) => {
    const at = `services[${i}] (${service.name}): `;
    const sameName = names.get(service.name);
    if (sameName !== undefined) problems.push(`${at}name: "${service.name}" is already the name of services[${sameName}]`);
    else names.set(service.name, i);
    if (service.domain !== undefined && service.subdomain !== undefined) {
      problems.push(`${at}domain and subdomain are both set: give one of them`);
      return;
    }
    const route = routeKey(service);
    const sameRoute = routes.get(route);
    if (sameRoute !== undefined) {
      problems.push(`${at}serves the same domain and path as services[${sameRoute}] (${file.services[sameRoute]!.name})`);
    } else routes.set(route, i);
    if (service.stripPrefix === true && (service.path ?? '/') === '/') {
      problems.push(`${at}stripPrefix: true needs a path to strip`);
    }
  });
  return [...problems, ...serverProblems(file.server)];
}

/** Each server a proxy URL, and no proxy twice (`ws://p:80` and `http://p` are one). */
function serverProblems(server: AgentFileInput['server']): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, given] of (typeof server === 'string' ? [server] : (server ?? [])).entries()) {
    const at = `server${typeof server === 'string' ? '' : `[${i}]`}: `;
    let url: string;
    try {
      url = agentUrl(given);
    } catch {
      problems.push(`${at}expected a ws://, wss://, http:// or https:// URL, got "${given}"`);
      continue;
    }
    if (seen.has(url)) problems.push(`${at}${given} is already in the list`);
    seen.add(url);
  }
  return problems;
}

// A random subdomain is new each time: it never collides with another service's.
function routeKey(service: ServiceInput): string {
  const host =
    service.subdomain !== undefined
      ? service.subdomain === 'random'
        ? `random:${service.name}`
        : `sub:${service.subdomain.toLowerCase()}`
      : normalizeHostPattern(service.domain ?? '*');
  return `${host} ${normalizePathPrefix(service.path ?? '/')}`;
}

function plan(file: AgentFileInput, path: string, env: NodeJS.ProcessEnv): StartPlan {
  const key = file.key ?? env.HARP_KEY;
  if (!key) throw new AgentFileError(path, ['key: no agent key: set key (e.g. key: ${HARP_KEY}) or the HARP_KEY variable']);
  return {
    servers: file.server === undefined ? [DEFAULT_SERVER] : typeof file.server === 'string' ? [file.server] : file.server,
    key,
    ...(file.ca !== undefined ? { caFile: resolve(path, '..', file.ca) } : {}),
    ...(file.name !== undefined ? { name: file.name } : {}),
    ...(file.weight !== undefined ? { weight: file.weight } : {}),
    services: file.services.map((service) => ({ name: service.name, upstream: service.upstream, route: routeOf(service) })),
  };
}

/** The service keys an AgentRoute has under the same name. */
const ROUTE_KEYS = [
  'subdomain',
  'path',
  'upstream',
  'h2',
  'stripPrefix',
  'addHeaders',
  'removeHeaders',
  'hostHeader',
  'ttl',
  'cache',
  'rateLimit',
  'balance',
  'sticky',
] as const satisfies ReadonlyArray<keyof ServiceInput & keyof AgentRoute>;
/** The service keys that go to the route's visitor access rules (AgentRoute.access). */
const ACCESS_KEYS = ['basicAuth', 'bearerTokens', 'allowIps', 'denyIps'] as const satisfies ReadonlyArray<keyof ServiceInput>;

/** A service as the agent's route: every key where AgentRoute has it. */
export function routeOf(service: ServiceInput): AgentRoute {
  const given = <K extends keyof ServiceInput>(keys: readonly K[]) =>
    Object.fromEntries(keys.filter((k) => service[k] !== undefined).map((k) => [k, service[k]]));
  const access = given(ACCESS_KEYS);
  return {
    ...(service.domain !== undefined ? { host: service.domain } : {}),
    ...(given(ROUTE_KEYS) as Partial<AgentRoute>),
    ...(Object.keys(access).length > 0 ? { access } : {}),
  };
}
