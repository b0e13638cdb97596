import { Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { HarpBackendConfigurableModule } from './harp-backend.module-definition.js';
import { HarpTunnelHealthIndicator } from './harp-tunnel.health.js';
import { HarpTunnel } from './harp-tunnel.service.js';

/**
 * Serves the application that imports it through HARP: on start-up it connects to the proxies
 * and registers the routes, then every request (and WebSocket) for them reaches the
 * application's own HTTP handler, with no port opened; on shutdown it drains.
 *
 * ```ts
 * @Module({ imports: [HarpBackendModule.forRoot({ server: 'wss://harp.example.com', key, routes: [{ host: 'api.example.com' }] })] })
 * ```
 *
 * or `HarpBackendModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService], useFactory: (config) => ({ … }) })`.
 */
@Module({
  // HealthIndicatorService is stateless apart from its attempt cache, which this indicator
  // does not use: providing it here spares the application from importing TerminusModule.
  providers: [HarpTunnel, HarpTunnelHealthIndicator, HealthIndicatorService],
  exports: [HarpTunnel, HarpTunnelHealthIndicator],
})
export class HarpBackendModule extends HarpBackendConfigurableModule {}
