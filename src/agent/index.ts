// The agent's public API. It imports only the protocol and tunnel code, never Nest.
export { agentUrl } from './agent-options.js';
export type { AgentAccess, AgentRoute, ConnectOptions } from './agent-options.js';
export { AgentRejectedError, connect, startAgent } from './connect.js';
export { HarpAgent } from './harp-agent.js';
export type { AgentReady } from './harp-agent.js';
export type { Lookup } from './node-addresses.js';
export type { RouteOutcome } from './route-choice.js';
export type { ExchangeRecord, RequestStart } from './upstream-relay.js';
export type { AcceptedRoute, RouteRejection } from '../protocol/index.js';
