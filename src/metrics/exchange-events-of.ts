import type { ModuleRef } from '@nestjs/core';
import { ExchangeEvents } from '../proxy/exchange-report.js';

/**
 * The app's {@link ExchangeEvents}, found without importing `ProxyModule`.
 *
 * Nest registers controllers in the order modules are first met while scanning imports, so a
 * module that imports `ProxyModule` puts the proxy's catch-all route ahead of every controller
 * met after it: `/_harp/*` routes of later modules would be answered by the proxy (404
 * `reserved_path`). Looking the events up once the app is built keeps this module's place in
 * `imports` irrelevant. Undefined when the app has no `ProxyModule` (nothing to observe).
 */
export function exchangeEventsOf(moduleRef: ModuleRef): ExchangeEvents | undefined {
  try {
    return moduleRef.get(ExchangeEvents, { strict: false });
  } catch {
    return undefined;
  }
}
