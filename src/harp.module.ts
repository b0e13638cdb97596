import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { HarpConfigModule } from './config/index.js';
import type { HarpConfigModuleOptions } from './config/index.js';
import { HealthModule } from './health/health.module.js';
import { ProxyModule } from './proxy/proxy.module.js';
import { RegistrationModule } from './registration/registration.module.js';
import { RoutingModule } from './routing/routing.module.js';

/**
 * The whole proxy as one module: `HarpModule.forRoot({ overrides: { … } })`. The proxy module
 * comes last so that its catch-all route is registered after every other controller.
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
        ProxyModule,
      ],
      exports: [RegistrationModule, ProxyModule],
    };
  }
}
