import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { HarpConfig } from '../config/index.js';
import type { RegistrationEvents } from '../registration/registration-events.js';
import type { RegistrationService } from '../registration/registration.service.js';
import type { RoutingService } from '../routing/routing.service.js';
import { ClusterDirectory, type LocalRoute, type NodeView } from './cluster-directory.js';
import { ClusterListener } from './cluster-listener.js';
import { clusterUrlOf } from './cluster-url.js';
import type { LocalDoor, LocalUpgradeDoor } from '../http/cluster-hop.js';
import { localNodeOf } from './local-node.js';

/**
 * Cluster mode in this process: the internal listener and this node's part of the directory,
 * fed from the routing table and the agent sessions. Provided only when `clusterSecret` is set
 * (`cluster.module.ts`); without it the token resolves to null and nothing here runs.
 *
 * The hooks into the rest of the proxy are few and explicit: routing's `changes` and
 * registration's connect/disconnect events make the directory publish, and routing's
 * `foreignOwner` reads the mirror so that a route another node's key holds is refused here too,
 * and a route the directory's atomic claim refuses afterwards is withdrawn from its agents.
 * Routing's `remote` reads the mirror too, so that a request without a local member goes to a
 * node with one; the internal listener takes such requests from other nodes (`serveForwarded`).
 */
export class ClusterNode implements OnModuleInit, OnModuleDestroy {
  #directory?: ClusterDirectory;
  readonly #listener: ClusterListener;
  readonly #logger = new Logger('Cluster');
  readonly #changed = (): void => this.#directory?.changed();
  // The atomic claim found another key owning a route accepted here: the agents give it up,
  // so that no two keys serve one route (docs/cluster.md, "Route ownership").
  readonly #refused = ({ host, path }: LocalRoute, owner: string): void => {
    this.registration.withdraw({ host, path, owner });
  };

  constructor(
    private readonly config: HarpConfig & { readonly clusterSecret: string; readonly redisUrl: string },
    private readonly routing: RoutingService,
    private readonly registration: RegistrationService,
    private readonly events: RegistrationEvents,
  ) {
    this.#listener = new ClusterListener(config.clusterSecret);
  }

  /** The directory, once the module has started. */
  get directory(): ClusterDirectory {
    if (!this.#directory) throw new Error('cluster mode has not started');
    return this.#directory;
  }

  /** Whether the directory is reachable and this node's state written (see ClusterDirectory). */
  get healthy(): boolean {
    return this.#directory?.healthy ?? false;
  }

  /** The internal listener's server: the shutdown drains it with the public listeners. */
  get internalServer(): Server {
    return this.#listener.server;
  }

  /** The url of another running node with this node's id, while there is one. */
  get idTakenBy(): string | undefined {
    return this.#directory?.idTakenBy;
  }

  /**
   * Where requests that crossed the hop from another node go: the proxy's local-only door. The
   * composition root sets it (the proxy sits above this module and cannot be injected here).
   */
  serveForwarded(door: LocalDoor, upgradeDoor?: LocalUpgradeDoor): void {
    this.#listener.door = door;
    this.#listener.upgradeDoor = upgradeDoor;
  }

  nodes(): NodeView[] {
    return this.directory.nodes();
  }

  async onModuleInit(): Promise<void> {
    const { config } = this;
    const port = await this.#listener.listen(config.clusterPort, config.clusterHost);
    const url = clusterUrlOf(config.clusterUrl, config.clusterHost, port);
    const directory = new ClusterDirectory({
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      nodeId: config.nodeId,
      url,
      heartbeatMs: config.clusterHeartbeatMs,
      routeGraceMs: config.routeGraceMs,
      local: localNodeOf(this.routing, this.registration),
      logger: this.#logger,
    });
    this.#directory = directory;
    this.routing.changes.on('changed', this.#changed);
    this.events.on('connected', this.#changed);
    this.events.on('disconnected', this.#changed);
    this.routing.foreignOwner = (route, keyId) => directory.mirror.foreignOwner(route, keyId);
    this.routing.remote = directory.mirror;
    // Subdomains are claimed across the cluster, so no two nodes give one name to two keys.
    this.registration.subdomains.ledger.shared = directory;
    directory.events.on('refused', this.#refused);
    directory.mirror.onReturned = () => this.routing.remoteReturned();
    directory.start();
    this.#logger.log(`node ${config.nodeId} joins the cluster at ${url}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.routing.changes.off('changed', this.#changed);
    this.events.off('connected', this.#changed);
    this.events.off('disconnected', this.#changed);
    this.routing.foreignOwner = undefined;
    this.routing.remote = undefined;
    this.registration.subdomains.ledger.shared = undefined;
    this.#directory?.events.off('refused', this.#refused);
    if (this.#directory) this.#directory.mirror.onReturned = undefined;
    this.#listener.door = undefined;
    this.#listener.upgradeDoor = undefined;
    await Promise.all([this.#directory?.close(), this.#listener.close()]);
  }
}
