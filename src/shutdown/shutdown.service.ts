import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarpConfig } from '../config/index.js';
import { RegistrationService } from '../registration/registration.service.js';
import { InFlight } from './in-flight.js';

/**
 * How long the drain waits, once nothing is in flight, for agents' connections to finish their
 * close handshake (the tunnel itself gives up on a silent peer after 2 s).
 */
const AGENT_CLOSE_WAIT_MS = 2500;

/**
 * The proxy's graceful shutdown (docs/operations.md, "Stopping the proxy"), in this order:
 * readiness answers 503 and responses stop keeping connections alive; after `shutdownDelayMs`
 * the listener closes and agents get `goaway`; requests and streams in flight run until they
 * end or `shutdownTimeoutMs` passes, then what is left is cut. Agents still connected are
 * closed afterwards by the registration's `beforeApplicationShutdown`.
 *
 * {@link drain} must run before any HARP module's `onModuleDestroy`, where observers of the
 * exchanges (access log, metrics, inspector) unsubscribe and the cache store closes: the
 * requests it waits for are still logged, counted and cached. The standalone server starts it
 * from its HTTP adapter's `beforeClose`, the first step of Nest's `close()`; `HarpModule`
 * starts it from its own `onModuleDestroy`, which Nest calls before its imports'.
 */
@Injectable()
export class ShutdownService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Shutdown');
  private inFlight?: InFlight;
  /** Servers besides the app's own that serve the same (the HTTPS listener). */
  private readonly others: InFlight[] = [];
  private drained?: Promise<void>;

  constructor(
    private readonly config: HarpConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly registration: RegistrationService,
  ) {}

  /** True from the moment a shutdown started. */
  get shuttingDown(): boolean {
    return this.drained !== undefined;
  }

  onApplicationBootstrap(): void {
    // An application context without HTTP (or a test's) has nothing to drain.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server && typeof server.prependListener === 'function') this.inFlight ??= new InFlight(server);
  }

  /**
   * Drains `server` with the app's own: the standalone server's HTTPS listener. Call once its
   * `request` and `upgrade` listeners are attached.
   */
  watch(server: Server): void {
    this.others.push(new InFlight(server));
  }

  /** Runs the shutdown once; every later call gets the same promise. */
  drain(): Promise<void> {
    this.drained ??= this.run();
    return this.drained;
  }

  private async run(): Promise<void> {
    const { shutdownDelayMs: delayMs, shutdownTimeoutMs: timeoutMs } = this.config;
    const servers = [...(this.inFlight ? [this.inFlight] : []), ...this.others];
    this.logger.log(`shutting down: readiness answers 503; the listener closes in ${delayMs} ms`);
    if (servers.length === 0) return;
    for (const inFlight of servers) inFlight.beginClosing();
    if (delayMs > 0) await sleep(delayMs);
    for (const inFlight of servers) inFlight.stopListening();
    this.registration.goAway('proxy shutting down');
    const open = servers.reduce((sum, inFlight) => sum + inFlight.count, 0);
    this.logger.log(`listener closed; ${open} request(s)/stream(s) in flight, waiting up to ${timeoutMs} ms`);
    const idle = await Promise.all(servers.map((inFlight) => inFlight.whenIdle(timeoutMs)));
    if (idle.every(Boolean)) {
      this.logger.log('shutdown drained: nothing left in flight');
    } else {
      const cut = servers.reduce((sum, inFlight) => sum + inFlight.cut(), 0);
      this.logger.warn(`shutdownTimeoutMs passed: cut ${cut} request(s)/stream(s) still in flight`);
    }
    for (const inFlight of servers) {
      inFlight.closeAll();
      inFlight.detach();
    }
    // Each agent connection closes (1001) once its streams are done. Nest's WebSocket adapter
    // terminates whatever is left when it closes, and bytes still queued (goaway, the close
    // frame) would be lost with the socket: agents would see a reset, not a going-away.
    const deadline = Date.now() + AGENT_CLOSE_WAIT_MS;
    while (this.registration.list().length > 0 && Date.now() < deadline) await sleep(20);
  }
}
