import type { RouteOutcome } from '../agent/route-choice.js';
import type { RouteRejection } from '../protocol/index.js';
import { publicUrl, routeRejectedLine } from './output.js';

// What `harp start` prints beyond `harp http`'s lines: each line names its service.

/** One line per accepted service: `Forwarding <public url> -> <upstream> (<name>)`. */
export function serviceLines(
  server: string,
  services: ReadonlyArray<{ readonly name: string; readonly upstream: string }>,
  outcomes: readonly RouteOutcome[],
): string {
  return outcomes
    .flatMap(({ index, accepted }) => {
      const service = services[index];
      // The proxy's own URL for the route when it said one (a subdomain, its public URL).
      return accepted && service ? [`Forwarding ${accepted.url ?? publicUrl(server, accepted)} -> ${service.upstream} (${service.name})\n`] : [];
    })
    .join('');
}

/** `harp: service api: the proxy refused the route …`: `harp http`'s line, naming the service. */
export function serviceRefusedLine(name: string, rejection: RouteRejection, server?: string): string {
  return `harp: service ${name}: ${routeRejectedLine(rejection, server).replace(/^harp: /, '')}`;
}
