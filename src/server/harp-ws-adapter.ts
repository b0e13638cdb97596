import { Logger } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { WebSocket, WebSocketServer } from 'ws';
import { ProxyService } from '../proxy/proxy.service.js';
import { isReservedUrl } from '../http/reserved-prefix.js';

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Nest's `ws` adapter, minus two costs HARP can't pay: it would JSON-parse every binary frame
 * of a gateway that has no message handlers (the agent gateway reads its socket itself), and
 * it logs a full stack trace for every over-size frame, which any client can trigger at will.
 *
 * It also owns the server's one `upgrade` listener: upgrades under `/_harp` go to Nest's
 * gateways (the agent gateway at `/_harp/connect`), every other one is a public WebSocket for
 * the proxy to tunnel to a backend (Nest's own listener would destroy it).
 */
export class HarpWsAdapter extends WsAdapter {
  private readonly log = new Logger('WebSocket');
  private proxy?: ProxyService | null;
  /** Nest's listener for the gateways (on the app's own server), once bound. */
  private gateways?: UpgradeListener;
  private redirect?: (req: IncomingMessage) => string | undefined;
  /** Removes the listeners added to other servers. */
  private readonly others: Array<() => void> = [];

  constructor(private readonly app?: INestApplicationContext) {
    super(app);
  }

  protected override ensureHttpServerExists(port: number, httpServer?: Server): Server | undefined {
    const fresh = !this.httpServersRegistry.has(port);
    const server = super.ensureHttpServerExists(port, httpServer);
    if (!fresh || !server) return server;
    // The listener Nest registered, swapped for one that asks it only about `/_harp` paths;
    // kept in Nest's registry so that the adapter's dispose() still removes it.
    const registry = (this as unknown as { upgradeListenersRegistry: Map<number, UpgradeListener> }).upgradeListenersRegistry;
    const gateways = registry.get(port)!;
    this.gateways ??= gateways;
    const dispatch: UpgradeListener = (req, socket, head) => {
      const location = this.redirect?.(req);
      if (location !== undefined) answerRedirect(socket, location);
      else this.dispatch(gateways, req, socket, head);
    };
    server.off('upgrade', gateways);
    server.on('upgrade', dispatch);
    registry.set(port, dispatch);
    return server;
  }

  /**
   * Takes upgrades on another server too (the HTTPS listener): agents at `/_harp/connect`, public
   * WebSockets for the proxy. Call after the app's init, once the gateways exist.
   */
  serveUpgradesOn(server: Server): void {
    const gateways = this.gateways;
    if (!gateways) throw new Error('no WebSocket gateway is bound yet: call after app.init()');
    const dispatch: UpgradeListener = (req, socket, head) => this.dispatch(gateways, req, socket, head);
    server.on('upgrade', dispatch);
    this.others.push(() => server.off('upgrade', dispatch));
  }

  /**
   * Upgrades on the app's own server (the plain port) for which `location` gives a URL are
   * answered `308` to it instead (`httpRedirect`).
   */
  redirectUpgrades(location: (req: IncomingMessage) => string | undefined): void {
    this.redirect = location;
  }

  override async dispose(): Promise<void> {
    for (const off of this.others.splice(0)) off();
    await super.dispose();
  }

  private dispatch(gateways: UpgradeListener, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const proxy = isReservedUrl(req.url) ? undefined : this.proxyService();
    if (proxy) proxy.handleUpgrade(req, socket, head);
    else gateways(req, socket, head);
  }

  // Looked up on first use: the adapter is made before the app's providers exist, and an app
  // that embeds HARP's modules may have no proxy at all.
  private proxyService(): ProxyService | undefined {
    if (this.proxy === undefined) {
      try {
        this.proxy = this.app?.get(ProxyService, { strict: false }) ?? null;
      } catch {
        this.proxy = null;
      }
    }
    return this.proxy ?? undefined;
  }

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

// An upgrade has no ServerResponse: the answer is written on the socket, which then closes.
function answerRedirect(socket: Duplex, location: string): void {
  socket.end(`HTTP/1.1 308 Permanent Redirect\r\nLocation: ${location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}
