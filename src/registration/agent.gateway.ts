import { WebSocketGateway } from '@nestjs/websockets';
import type { OnGatewayConnection } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { CONNECT_PATH } from '../protocol/index.js';
import { RegistrationService } from './registration.service.js';

/**
 * Largest WebSocket message accepted from an agent. DATA frames are further held to the
 * configured `maxFrameBytes`; this bounds heads and control messages.
 */
export const MAX_AGENT_MESSAGE_BYTES = 4 * 1024 * 1024;

/** The door for agents: `/_harp/connect`. Frames are binary, so the socket is handed over raw. */
@WebSocketGateway({ path: CONNECT_PATH, perMessageDeflate: false, maxPayload: MAX_AGENT_MESSAGE_BYTES })
export class AgentGateway implements OnGatewayConnection {
  constructor(private readonly registration: RegistrationService) {}

  handleConnection(socket: WebSocket, req: IncomingMessage): void {
    this.registration.attach(socket, req);
  }
}
