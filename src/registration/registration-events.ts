import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

/** Whether a claim (or a hello's key) was taken. */
export type RegistrationOutcome = 'accepted' | 'rejected';

/**
 * One answer to an agent: a route claim accepted or rejected, or a hello refused for its key
 * (`code: 'key_rejected'`, no route). Never carries the key itself, only the rule's id.
 */
export interface RegistrationAnswer {
  readonly agentId: string;
  readonly outcome: RegistrationOutcome;
  /** The rejection's stable code (`route_forbidden`, `ROUTE_TAKEN`, `key_rejected`, …). */
  readonly code?: string;
  /** The claimed route, when the answer is about one. */
  readonly route?: { readonly host: string; readonly path: string };
  /** Id of the key rule the agent proved; undefined when its key was refused. */
  readonly keyId?: string;
}

/** An agent whose key was accepted, or one that went away after that. */
export interface AgentPresence {
  readonly agentId: string;
  readonly keyId: string;
  readonly name?: string;
}

interface RegistrationEventMap {
  registration: [answer: RegistrationAnswer];
  connected: [agent: AgentPresence];
  disconnected: [agent: AgentPresence];
}

/**
 * What the registration service tells the rest of the proxy (metrics, live events) without
 * depending on it: agents connecting and leaving, and the answer to every claim. Listeners
 * run synchronously inside the registration path and must not throw.
 */
@Injectable()
export class RegistrationEvents extends EventEmitter<RegistrationEventMap> {}
