import { Inject, Module, Optional } from '@nestjs/common';
import { AdminModule } from './admin/admin.module.js';
import { ClusterModule, ClusterNode } from './cluster/index.js';
import type { DynamicModule, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HarpConfigModule } from './config/index.js';
import type { HarpConfigModuleOptions } from './config/index.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { HealthModule } from './health/health.module.js';
import { InspectorModule } from './inspector/inspector.module.js';
import { LiveEventsModule } from './live-events/live-events.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ProxyModule } from './proxy/proxy.module.js';
import { ProxyService } from './proxy/proxy.service.js';
import { RegistrationModule } from './registration/registration.module.js';
import { RoutingModule } from './routing/routing.module.js';
import { ShutdownModule } from './shutdown/shutdown.module.js';
import { ShutdownService } from './shutdown/shutdown.service.js';

/**
 * The whole proxy as one module: `HarpModule.forRoot({ overrides: { … } })`. The proxy module
 * comes last so that its catch-all route is registered after every other controller: Nest
 * registers controllers module by module in the order they are first imported, so no module
 * listed before it may import `ProxyModule` itself.
 *
 * The OpenAPI document and Swagger UI are not part of the module (they are Express routes, not
 * providers): call `setupHarpOpenApi(app)` before `app.init()`/`listen()` to serve them.
 *
 * `app.close()` drains the proxy first (docs/operations.md, "Stopping the proxy"): Nest calls
 * this module's `onModuleDestroy` before those of the modules it imports, so requests in
 * flight are still logged and counted while they finish.
 */
@Module({})
export class HarpModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly shutdown: ShutdownService,
    private readonly proxy: ProxyService,
    @Optional() @Inject(ClusterNode) private readonly cluster: ClusterNode | null,
  ) {}

  /**
   * Cluster mode: requests other nodes forward reach the proxy through the internal listener.
   * Wired here because the proxy sits above the cluster module (docs/architecture.md).
   */
  onModuleInit(): void {
    if (!this.cluster) return;
    this.cluster.serveForwarded(
      (req, res, origin) => this.proxy.handle(req, res, origin),
      (req, socket, head, origin) => this.proxy.handleUpgrade(req, socket, head, origin),
    );
    // What other nodes forwarded here is waited for like this node's own public requests.
    this.shutdown.watch(this.cluster.internalServer);
  }

  onModuleDestroy(): Promise<void> {
    return this.shutdown.drain();
  }

  static forRoot(options: HarpConfigModuleOptions = {}): DynamicModule {
    return {
      module: HarpModule,
      imports: [
        HarpConfigModule.forRoot(options),
        RoutingModule,
        RegistrationModule,
        ClusterModule,
        HealthModule,
        AdminModule,
        InspectorModule,
        LiveEventsModule,
        DashboardModule,
        MetricsModule,
        ShutdownModule,
        ProxyModule,
      ],
      exports: [RegistrationModule, AdminModule, InspectorModule, LiveEventsModule, ProxyModule],
    };
  }
}
