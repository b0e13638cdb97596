export {
  type BodyView,
  type ExchangeDetailView,
  type ExchangeFilter,
  type ExchangeListView,
  type ExchangeSummaryView,
  type FieldView,
  type TimingsView,
} from './inspector-views.js';
export type { InspectedExchange } from './inspected-exchange.js';
export { fieldRedactor, fieldViews, type SecretField } from './redaction.js';
export { parseResponseHead, type ResponseHeadParts } from './response-head.js';
export { bodyView, detailOf, matchesFilter, summaryOf } from './exchange-views.js';
export {
  harJsonPieces,
  toHar,
  type HarContent,
  type HarEntry,
  type HarLog,
  type HarNameValue,
  type HarOptions,
  type HarPostData,
  type HarRequest,
  type HarResponse,
  type HarTimings,
} from './har.js';
export { InspectorModule } from './inspector.module.js';
export { InspectorService } from './inspector.service.js';
export { ReplayService } from './replay.service.js';
