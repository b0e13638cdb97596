import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runAgent } from './agent-run.js';
import type { ExitCode } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { forwardingLines, routeRejectedLine } from './output.js';
import type { HttpCommand } from './parse-args.js';
import { UsageError } from './usage-error.js';
import type { HelpTopic } from './usage-error.js';
import { savedToken, saveToken, urlStateKey, urlStatePath } from './url-state.js';
import type { AgentRoute } from '../agent/agent-options.js';
import type { AgentReady } from '../agent/harp-agent.js';

/** `--ca FILE` (or the agent file's `ca`): its certificates, or a usage error that says why the file will not do. */
export function readCa(file: string, option = '--ca', topic: HelpTopic = 'http'): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new UsageError(`${option}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, topic);
  }
  try {
    new X509Certificate(pem);
  } catch {
    throw new UsageError(`${option}: ${file} holds no PEM certificate`, topic);
  }
  return pem;
}

/** Where `--reuse-url` keeps this run's token, and the token an earlier run left. */
function reuseState(command: HttpCommand, env: NodeJS.ProcessEnv): { file: string; key: string; token?: string } | undefined {
  if (!command.reuseUrl) return undefined;
  const file = urlStatePath(env);
  const key = urlStateKey(command);
  const token = savedToken(file, key);
  return { file, key, ...(token === undefined ? {} : { token }) };
}

/** The one route `harp http` asks for. */
function routeOf(command: HttpCommand, token: string | undefined): AgentRoute {
  return {
    ...(command.subdomain === undefined ? { host: command.domain } : { subdomain: command.subdomain }),
    path: command.path,
    ...(command.rateLimit ? { rateLimit: command.rateLimit } : {}),
    ...(command.ttl ? { ttl: command.ttl } : {}),
    ...(token === undefined ? {} : { token }),
  };
}

/** `harp http`: one route to one local server, on every `--server` (see {@link runAgent}). */
export async function runHttp(command: HttpCommand, io: CliIo): Promise<ExitCode> {
  const ca = command.caFile === undefined ? undefined : readCa(command.caFile);
  const reuse = reuseState(command, io.env);
  const options = {
    ...(ca === undefined ? {} : { ca }),
    server: command.servers,
    key: command.key,
    upstream: command.upstream,
    ...(command.h2 ? { h2: true } : {}),
    routes: [routeOf(command, reuse?.token)],
    name: command.name,
    weight: command.weight,
    access: command.access,
  };
  // --reuse-url: the latest token for a generated name is kept for the next run.
  const keepToken = (info: AgentReady): string | undefined => {
    const token = info.accepted.find((route) => route.token !== undefined)?.token;
    if (!reuse || token === undefined || token === reuse.token) return undefined;
    try {
      saveToken(reuse.file, reuse.key, token);
      reuse.token = token;
      return undefined;
    } catch (err) {
      return `harp: cannot save the URL for --reuse-url in ${reuse.file}: ${(err as Error).message}\n`;
    }
  };
  return runAgent(options, io, {
    forwarding: (info) => forwardingLines(info.server, command.upstream, info.accepted),
    refused: (info, server) => info.rejected.map((rejection) => routeRejectedLine(rejection, server)).join(''),
    registered: keepToken,
    console: {
      format: command.logFormat ?? 'text',
      title: 'harp http',
      services: [{ upstream: command.upstream, routes: [{ host: command.domain, path: command.path }] }],
    },
  });
}
