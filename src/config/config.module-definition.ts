import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { LoadHarpConfigOptions } from './config.loader.js';

import type { HarpConfig } from './harp-config.js';

/** Options of `HarpConfigModule.forRoot()`: the loader's, or a configuration loaded already. */
export interface HarpConfigModuleOptions extends LoadHarpConfigOptions {
  /**
   * A configuration already loaded (by the standalone server, which needs it before Nest
   * starts); used as it is, so a generated key is generated once.
   */
  readonly config?: HarpConfig;
}

export const {
  ConfigurableModuleClass: HarpConfigConfigurableModule,
  MODULE_OPTIONS_TOKEN: HARP_CONFIG_MODULE_OPTIONS,
  OPTIONS_TYPE: HARP_CONFIG_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: HARP_CONFIG_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<HarpConfigModuleOptions>({ moduleName: 'HarpConfig' })
  .setClassMethodName('forRoot')
  .build();
