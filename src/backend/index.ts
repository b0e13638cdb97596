// `harp-proxy/backend`: a Nest module that serves the application importing it through HARP.
export { HarpBackendModule } from './harp-backend.module.js';
export { HARP_BACKEND_OPTIONS } from './harp-backend.module-definition.js';
export type { HarpBackendAsyncOptions } from './harp-backend.module-definition.js';
export type { HarpBackendOptions } from './backend-options.js';
export { HarpTunnel } from './harp-tunnel.service.js';
export { HarpTunnelHealthIndicator } from './harp-tunnel.health.js';
export type { TunnelState, TunnelStatus } from './tunnel-status.js';
