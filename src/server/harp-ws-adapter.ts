import { Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Nest's `ws` adapter, minus two costs HARP can't pay: it would JSON-parse every binary frame
 * of a gateway that has no message handlers (the agent gateway reads its socket itself), and
 * it logs a full stack trace for every over-size frame, which any client can trigger at will.
 */
export class HarpWsAdapter extends WsAdapter {
  private readonly log = new Logger('WebSocket');

  override bindMessageHandlers(
    client: WebSocket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    if (handlers.length > 0) super.bindMessageHandlers(client, handlers, transform);
  }

  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (ws: WebSocket) =>
      ws.on('error', (err: Error & { code?: string }) => this.log.warn(`${err.code ?? 'error'}: ${err.message}`)),
    );
    server.on('error', (err: Error) => this.log.error(err.message));
    return server;
  }
}
