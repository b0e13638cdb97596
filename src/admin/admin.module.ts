import { Module } from '@nestjs/common';
import { CacheBackendModule, HarpCacheModule } from '../cache/cache.module.js';
import { ClusterModule } from '../cluster/index.js';
import { ExchangeEventsModule } from '../exchange/index.js';
import { RegistrationModule } from '../registration/registration.module.js';
import { AdminAuthGuard } from './admin-auth.guard.js';
import { AgentStatsRecorder } from './agent-stats.recorder.js';
import { AgentsController } from './agents.controller.js';
import { AgentsService } from './agents.service.js';
import { CacheAdminController } from './cache-admin.controller.js';
import { CacheAdminService } from './cache-admin.service.js';
import { NodesController } from './nodes.controller.js';
import { NodesService } from './nodes.service.js';
import { RoutesController } from './routes.controller.js';
import { RoutesService } from './routes.service.js';

/**
 * The admin REST API under `/_harp/api` (agents, routes, nodes, cache), behind the admin access rule
 * ({@link AdminAuthGuard}). Needs `HarpConfigModule` and `RoutingModule` (both global); import
 * it before `ProxyModule`, whose catch-all must come last. The OpenAPI document and its UI are
 * set up separately, by `setupHarpOpenApi(app)`.
 */
@Module({
  imports: [RegistrationModule, ClusterModule, HarpCacheModule, CacheBackendModule, ExchangeEventsModule],
  controllers: [AgentsController, RoutesController, NodesController, CacheAdminController],
  providers: [AdminAuthGuard, AgentsService, RoutesService, NodesService, CacheAdminService, AgentStatsRecorder],
  exports: [AdminAuthGuard],
})
export class AdminModule {}
