import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { AgentSession } from '../registration/agent-session.js';
import { RegistrationService } from '../registration/registration.service.js';
import { RoutingService } from '../routing/routing.service.js';
import type { AgentDto } from './agent.dto.js';
import { memberHealthDto } from './routes.service.js';

/** The admin view of agent connections, and the operator's drain and disconnect. */
@Injectable()
export class AgentsService {
  private readonly logger = new Logger('Admin');

  constructor(
    private readonly registration: RegistrationService,
    private readonly routing: RoutingService,
  ) {}

  list(): AgentDto[] {
    return this.registration.list().map((session) => this.toDto(session));
  }

  get(id: string): AgentDto {
    return this.toDto(this.session(id));
  }

  /** Stops new traffic to the agent; it closes once its in-flight requests are done. */
  drain(id: string): AgentDto {
    const session = this.session(id);
    if (session.state === 'hello') {
      throw new ConflictException(`agent ${id} has not authenticated yet; disconnect it instead`);
    }
    this.logger.log(`agent ${id} (${session.name ?? 'unnamed'}) drained by an operator`);
    this.registration.drain(session, 'drained by an operator');
    return this.toDto(session);
  }

  /** Closes the agent's connection now; its in-flight requests fail (502). */
  disconnect(id: string): void {
    const session = this.session(id);
    this.logger.log(`agent ${id} (${session.name ?? 'unnamed'}) disconnected by an operator`);
    this.registration.disconnect(session, 'disconnected by an operator');
  }

  private toDto(session: AgentSession): AgentDto {
    return toDto(session, (route) => memberHealthDto(this.routing, route, session));
  }

  private session(id: string): AgentSession {
    const session = this.registration.get(id);
    if (session === undefined) throw new NotFoundException(`no agent with id ${id}`);
    return session;
  }
}

function toDto(session: AgentSession, healthOn: (route: { host: string; path: string }) => AgentDto['routes'][number]['health']): AgentDto {
  const { stats } = session;
  return {
    id: session.id,
    name: session.name ?? null,
    state: session.state,
    remoteAddress: session.remoteAddress,
    keyId: session.rule?.id ?? null,
    routes: [...session.routes.values()].map(({ host, path }) => ({ host, path, health: healthOn({ host, path }) })),
    weight: session.weight,
    connectedAt: session.connectedAt.toISOString(),
    rttMs: session.rttMs ?? null,
    inFlightStreams: session.tunnel.streams.size,
    totals: { requests: stats.requests, errors: stats.errors, bytesIn: stats.bytesIn, bytesOut: stats.bytesOut },
    latencyMs: {
      p50: rounded(stats.latency.quantile(0.5)),
      p99: rounded(stats.latency.quantile(0.99)),
      samples: stats.latency.count,
    },
  };
}

/** To the microsecond: finer is noise, and it keeps the JSON short. */
function rounded(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.round(ms * 1000) / 1000;
}
