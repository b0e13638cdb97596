import { Inject, Injectable, Optional } from '@nestjs/common';
import { ClusterNode, localNodeOf, type LocalNode, type NodeView } from '../cluster/index.js';
import { HarpConfig } from '../config/index.js';
import { RegistrationService } from '../registration/registration.service.js';
import { RoutingService } from '../routing/routing.service.js';
import type { NodeDto, NodesDto } from './node.dto.js';

/** The admin view of the cluster's nodes; outside cluster mode, this process alone. */
@Injectable()
export class NodesService {
  readonly #startedAt = Date.now();
  readonly #local: LocalNode;

  constructor(
    private readonly config: HarpConfig,
    routing: RoutingService,
    registration: RegistrationService,
    // Null outside cluster mode (cluster.module.ts).
    @Optional() @Inject(ClusterNode) private readonly cluster: ClusterNode | null,
  ) {
    this.#local = localNodeOf(routing, registration);
  }

  list(): NodesDto {
    if (!this.cluster) {
      const self: NodeDto = {
        id: this.config.nodeId,
        url: null,
        self: true,
        startedAt: new Date(this.#startedAt).toISOString(),
        lastHeartbeat: null,
        agents: this.#local.agents(),
        routes: this.#local.routes().map((route) => ({ ...route })),
      };
      return { cluster: false, healthy: true, nodes: [self] };
    }
    return { cluster: true, healthy: this.cluster.healthy, nodes: this.cluster.nodes().map(nodeDto) };
  }
}

function nodeDto(view: NodeView): NodeDto {
  return {
    id: view.id,
    url: view.url,
    self: view.self,
    startedAt: new Date(view.startedAt).toISOString(),
    lastHeartbeat: new Date(view.heartbeatAt).toISOString(),
    agents: view.agents,
    routes: view.routes.map(({ host, path, ownerKeyId, members }) => ({ host, path, ownerKeyId, members })),
  };
}
