import { readFileSync } from 'node:fs';
import { parseAgentFile, AgentFileError } from './agent-file.js';
import type { StartPlan } from './agent-file.js';
import { runAgent } from './agent-run.js';
import type { CliIo, ExitCode } from './cli-io.js';
import { readCa } from './http-command.js';
import type { StartCommand } from './parse-args.js';
import { serviceLines, serviceRefusedLine } from './service-output.js';

/** `harp start [FILE]`: every service of the agent file over one connection to each server. */
export async function runStart(command: StartCommand, io: CliIo): Promise<ExitCode> {
  const plan = parseAgentFile(readAgentFile(command.file), command.file, io.env);
  const ca = plan.caFile === undefined ? undefined : readCa(plan.caFile, `${command.file}: ca`, 'start');
  return runAgent(connectOptions(plan, ca), io, {
    forwarding: (info) => serviceLines(info.server, plan.services, info.routes),
    refused: (info, server) =>
      info.routes
        .flatMap(({ index, rejected }) => (rejected ? [serviceRefusedLine(plan.services[index]?.name ?? `#${index}`, rejected, server)] : []))
        .join(''),
    console: {
      format: command.logFormat ?? 'text',
      title: 'harp start',
      services: plan.services.map(({ name, upstream, route }) => ({ name, upstream, routes: [{ host: route.host ?? '*', path: route.path ?? '/' }] })),
    },
  });
}

function connectOptions(plan: StartPlan, ca: Buffer | undefined) {
  return {
    server: plan.servers,
    key: plan.key,
    routes: plan.services.map((service) => service.route),
    ...(ca === undefined ? {} : { ca }),
    ...(plan.name === undefined ? {} : { name: plan.name }),
    ...(plan.weight === undefined ? {} : { weight: plan.weight }),
  };
}

function readAgentFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AgentFileError(file, ['no such file (run "harp start --help" for what it holds)']);
    throw new AgentFileError(file, [`cannot read it (${code ?? (err as Error).message})`]);
  }
}
