export { RateLimitGate, REDIS_TAKE_TIMEOUT_MS, type GateRequest, type LimitedTotal, type RateLimited } from './rate-limit.gate.js';
export { RateLimitModule } from './rate-limit.module.js';
