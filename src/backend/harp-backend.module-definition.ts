import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { HarpBackendOptions } from './backend-options.js';

// forRoot(options) and forRootAsync({ imports, inject, useFactory | useClass | useExisting }),
// both resolving to one options provider.
export const {
  ConfigurableModuleClass: HarpBackendConfigurableModule,
  MODULE_OPTIONS_TOKEN: HARP_BACKEND_OPTIONS,
  ASYNC_OPTIONS_TYPE: HARP_BACKEND_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<HarpBackendOptions>({ moduleName: 'HarpBackend' }).setClassMethodName('forRoot').build();

/** What `HarpBackendModule.forRootAsync()` takes. */
export type HarpBackendAsyncOptions = typeof HARP_BACKEND_ASYNC_OPTIONS_TYPE;
