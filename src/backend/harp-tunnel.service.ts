import { once } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { startAgent } from '../agent/index.js';
import type { HarpAgent } from '../agent/index.js';
import type { RouteRejection } from '../protocol/index.js';
import { appDoor } from './app-door.js';
import { DEFAULT_DRAIN_TIMEOUT_MS } from './backend-options.js';
import type { HarpBackendOptions } from './backend-options.js';
import { HARP_BACKEND_OPTIONS } from './harp-backend.module-definition.js';
import { routeName, tunnelState } from './tunnel-status.js';
import type { TunnelStatus } from './tunnel-status.js';

/**
 * The application's tunnel: connects to the proxies once the application has started (its
 * routes and gateways are in place by then), serves the application's own HTTP server through
 * them, and drains on shutdown. Inject it to read {@link status} or the {@link agent} itself.
 *
 * Shutdown drains in `onModuleDestroy`, the earliest kind of hook `app.close()` runs (a signal
 * runs it with `app.enableShutdownHooks()`), before any `beforeApplicationShutdown` and before
 * the adapter closes the HTTP server: the proxies stop sending new requests while the
 * application still serves those in flight.
 */
@Injectable()
export class HarpTunnel implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HarpBackend');
  #agent?: HarpAgent;
  #closed = false;
  #routes: string[] = [];
  #refused: RouteRejection[] = [];
  #reason?: string;

  constructor(
    // Explicit tokens: the module works where no decorator metadata is emitted (tsx, esbuild).
    @Inject(HARP_BACKEND_OPTIONS) private readonly options: HarpBackendOptions,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The agent, once the application has started (undefined before). */
  get agent(): HarpAgent | undefined {
    return this.#agent;
  }

  /** Where the tunnel stands now. */
  status(): TunnelStatus {
    const agent = this.#agent;
    const state = tunnelState({
      started: agent !== undefined,
      closed: this.#closed,
      rejected: agent?.rejected ?? false,
      registered: agent?.registered ?? false,
    });
    return { state, routes: [...this.#routes], refused: [...this.#refused], ...(state === 'rejected' ? { reason: this.#reason } : {}) };
  }

  async onApplicationBootstrap(): Promise<void> {
    const door = await appDoor(this.adapterHost.httpAdapter);
    const { awaitRegistration = true, drainTimeoutMs: _drain, ...connectOptions } = this.options;
    const { agent, ready } = await startAgent({ ...connectOptions, handler: door.handler, upgrade: door.upgrade });
    this.#agent = agent;
    this.follow(agent);
    // A shutdown while no proxy answers ends the wait (app.close() before start-up finished).
    if (awaitRegistration) await Promise.race([ready, once(agent, 'closed')]);
  }

  /** Drains: no new requests from any proxy, those in flight finish (within the timeout), then closes. */
  async onModuleDestroy(): Promise<void> {
    await this.#agent?.close(this.options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
  }

  private follow(agent: HarpAgent): void {
    agent.on('registered', ({ server, accepted, rejected }) => {
      this.#routes = accepted.map(routeName);
      this.#refused = rejected;
      for (const r of rejected) this.logger.warn(`${server} refused route ${routeName(r)} (${r.code}): ${r.reason}`);
    });
    agent.on('ready', ({ server }) => this.logger.log(`serving ${this.#routes.join(', ') || 'no route'} through ${server}`));
    agent.on('withdrawn', ({ routes }) => {
      const gone = new Set(routes.map(routeName));
      this.#routes = this.#routes.filter((r) => !gone.has(r));
      this.#refused = [...this.#refused, ...routes];
    });
    agent.on('rejected', ({ server, code, reason }) => {
      this.#reason = `${code}: ${reason}`;
      this.logger.error(`${server} refused the key (${code}): ${reason}`);
    });
    agent.on('disconnected', ({ server, reason, delayMs }) => {
      if (delayMs !== undefined) this.logger.warn(`lost ${server} (${reason || 'no reason'}), reconnecting in ${delayMs} ms`);
    });
    agent.once('closed', () => (this.#closed = true));
  }
}
