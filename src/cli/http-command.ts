import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runAgent } from './agent-run.js';
import type { ExitCode } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { forwardingLines, routeRejectedLine } from './output.js';
import type { HttpCommand } from './parse-args.js';
import { UsageError } from './usage-error.js';
import type { HelpTopic } from './usage-error.js';

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

/** `harp http`: one route to one local server, on every `--server` (see {@link runAgent}). */
export async function runHttp(command: HttpCommand, io: CliIo): Promise<ExitCode> {
  const ca = command.caFile === undefined ? undefined : readCa(command.caFile);
  const options = {
    ...(ca === undefined ? {} : { ca }),
    server: command.servers,
    key: command.key,
    upstream: command.upstream,
    ...(command.h2 ? { h2: true } : {}),
    routes: [{ host: command.domain, path: command.path, ...(command.rateLimit ? { rateLimit: command.rateLimit } : {}) }],
    name: command.name,
    weight: command.weight,
    access: command.access,
  };
  return runAgent(options, io, {
    forwarding: (info) => forwardingLines(info.server, command.upstream, info.accepted),
    refused: (info, server) => info.rejected.map((rejection) => routeRejectedLine(rejection, server)).join(''),
    console: {
      format: command.logFormat ?? 'text',
      title: 'harp http',
      services: [{ upstream: command.upstream, routes: [{ host: command.domain, path: command.path }] }],
    },
  });
}
