import { Module } from '@nestjs/common';
import { HarpConfig } from '../config/index.js';
import { RegistrationEvents } from '../registration/registration-events.js';
import { RegistrationModule } from '../registration/registration.module.js';
import { RegistrationService } from '../registration/registration.service.js';
import { RoutingService } from '../routing/routing.service.js';
import { ClusterNode } from './cluster-node.js';

/**
 * Cluster mode (docs/cluster.md). {@link ClusterNode} is made only when `clusterSecret` is
 * set; otherwise the token resolves to null, so a single proxy starts no listener, opens no
 * Redis connection and does not even load the Redis client library.
 */
@Module({
  imports: [RegistrationModule],
  providers: [
    {
      provide: ClusterNode,
      inject: [HarpConfig, RoutingService, RegistrationService, RegistrationEvents],
      useFactory: (config: HarpConfig, routing: RoutingService, registration: RegistrationService, events: RegistrationEvents) => {
        const { clusterSecret, redisUrl } = config;
        // The schema requires redisUrl with a secret; checked again so that the type says so.
        if (clusterSecret === undefined || redisUrl === undefined) return null;
        return new ClusterNode({ ...config, clusterSecret, redisUrl }, routing, registration, events);
      },
    },
  ],
  exports: [ClusterNode],
})
export class ClusterModule {}
