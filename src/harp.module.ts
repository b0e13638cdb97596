import { Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module.js';
import type { DynamicModule } from '@nestjs/common';
import { HarpConfigModule } from './config/index.js';
import type { HarpConfigModuleOptions } from './config/index.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { HealthModule } from './health/health.module.js';
import { InspectorModule } from './inspector/inspector.module.js';
import { LiveEventsModule } from './live-events/live-events.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ProxyModule } from './proxy/proxy.module.js';
import { RegistrationModule } from './registration/registration.module.js';
import { RoutingModule } from './routing/routing.module.js';

/**
 * The whole proxy as one module: `HarpModule.forRoot({ overrides: { … } })`. The proxy module
 * comes last so that its catch-all route is registered after every other controller: Nest
 * registers controllers module by module in the order they are first imported, so no module
 * listed before it may import `ProxyModule` itself.
 *
 * The OpenAPI document and Swagger UI are not part of the module (they are Express routes, not
 * providers): call `setupHarpOpenApi(app)` before `app.init()`/`listen()` to serve them.
 */
@Module({})
export class HarpModule {
  static forRoot(options: HarpConfigModuleOptions = {}): DynamicModule {
    return {
      module: HarpModule,
      imports: [
        HarpConfigModule.forRoot(options),
        RoutingModule,
        RegistrationModule,
        HealthModule,
        AdminModule,
        InspectorModule,
        LiveEventsModule,
        DashboardModule,
        MetricsModule,
        ProxyModule,
      ],
      exports: [RegistrationModule, AdminModule, InspectorModule, LiveEventsModule, ProxyModule],
    };
  }
}
