import type { WebSocket } from 'ws';
import type { HarpAgent } from '../../src/agent/harp-agent.js';
import { RegistrationService } from '../../src/registration/registration.service.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import type { TunnelConnection } from '../../src/tunnel/tunnel-connection.js';

// Tests look inside on purpose: "no stream leaked" is only observable on the tunnels themselves.

/** The current tunnel and WebSocket of the agent's first connection (private fields, read for assertions). */
export function agentInternals(agent: HarpAgent): { tunnel: TunnelConnection<'agent'>; socket: WebSocket } {
  const [first] = (agent as unknown as { connections: unknown[] }).connections;
  const inside = first as { tunnel?: TunnelConnection<'agent'>; socket?: WebSocket };
  if (!inside.tunnel || !inside.socket) throw new Error('agent has no connection');
  return { tunnel: inside.tunnel, socket: inside.socket };
}

/** Open streams on every agent session the proxy holds. */
export function proxyOpenStreams(proxy: HarpServer): number {
  return proxy.app
    .get(RegistrationService)
    .list()
    .reduce((n, session) => n + session.tunnel.streams.size, 0);
}

/** How many agent sessions the proxy holds. */
export function proxySessions(proxy: HarpServer): number {
  return proxy.app.get(RegistrationService).list().length;
}
