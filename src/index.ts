// HARP's modules for applications that embed the proxy, and the standalone server.
export { HarpConfig, HarpConfigModule, loadHarpConfig, ConfigError } from './config/index.js';
export type { HarpConfigInput, KeyRule } from './config/index.js';
export { HarpModule } from './harp.module.js';
export { AdminAuthGuard, AdminModule, harpOpenApiDocument, setupHarpOpenApi } from './admin/index.js';
export { HealthModule } from './health/health.module.js';
export { HarpLoggingModule, HarpLogger } from './logging/index.js';
export type { HarpLoggingOptions } from './logging/index.js';
export { MetricsModule, MetricsService } from './metrics/index.js';
export { ProxyModule } from './proxy/proxy.module.js';
export { ProxyService } from './proxy/proxy.service.js';
export { RegistrationModule } from './registration/registration.module.js';
export { RegistrationService } from './registration/registration.service.js';
export { RoutingModule } from './routing/routing.module.js';
export { RoutingService } from './routing/routing.service.js';
export { HarpWsAdapter } from './server/harp-ws-adapter.js';
export { startHarpServer } from './server/harp-server.js';
export type { HarpServer, HarpServerOptions } from './server/harp-server.js';
