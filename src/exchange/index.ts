/**
 * The per-request record: what happened to one public request ({@link ExchangeReport}), the
 * body bytes kept for the inspector ({@link BodyCapture}), and where finished records are
 * published ({@link ExchangeEvents}, provided by {@link ExchangeEventsModule}). The proxy
 * fills and publishes records; metrics, logging, the inspector, live events and agent stats
 * import this module and inject `ExchangeEvents`.
 */
export { BodyCapture } from './body-capture.js';
export { ExchangeEvents, ExchangeEventsModule } from './exchange-events.js';
export { ExchangeReport } from './exchange-report.js';
