export { LiveEventsModule } from './live-events.module.js';
export { LiveEventsService } from './live-events.service.js';
export type { AgentEventView, LiveEventMap, StatsView } from './live-event-views.js';
