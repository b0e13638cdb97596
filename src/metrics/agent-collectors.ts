import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { RegistrationAnswer } from '../registration/registration-events.js';
import type { RegistrationService } from '../registration/registration.service.js';

/**
 * `harp_agents_connected` and `harp_active_streams`, read from the sessions at each scrape,
 * and `harp_registrations_total`, counted as answers happen.
 *
 * @returns what counts one registration answer
 */
export function registerAgentMetrics(registry: Registry, registration: RegistrationService): (answer: RegistrationAnswer) => void {
  const registers = [registry];
  new Gauge({
    name: 'harp_agents_connected',
    help: 'Agents connected with an accepted key (active or draining).',
    registers,
    collect() {
      let agents = 0;
      for (const session of registration.list()) if (session.state === 'active' || session.state === 'draining') agents++;
      this.set(agents);
    },
  });
  new Gauge({
    name: 'harp_active_streams',
    help: 'Requests in flight on agent connections (open tunnel streams).',
    registers,
    collect() {
      let streams = 0;
      for (const session of registration.list()) streams += session.tunnel.streams.size;
      this.set(streams);
    },
  });
  const registrations = new Counter({
    name: 'harp_registrations_total',
    help: 'Answers to agents: route claims accepted or rejected, and hellos rejected for their key (code key_rejected), by outcome and rejection code.',
    labelNames: ['outcome', 'code'] as const,
    registers,
  });
  // Present from the start, so that rate() has a zero to begin from.
  registrations.inc({ outcome: 'accepted', code: 'none' }, 0);
  return (answer) => registrations.inc({ outcome: answer.outcome, code: answer.code ?? 'none' });
}
