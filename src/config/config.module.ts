import { Global, Module } from '@nestjs/common';
import { loadHarpConfig } from './config.loader.js';
import {
  HARP_CONFIG_MODULE_OPTIONS,
  HarpConfigConfigurableModule,
  type HarpConfigModuleOptions,
} from './config.module-definition.js';
import { HarpConfig } from './harp-config.js';

/**
 * Provides {@link HarpConfig} to the whole application. Import once, at the root:
 * `HarpConfigModule.forRoot({ overrides: { port: 0 } })`, or plain `HarpConfigModule` for
 * defaults, file and environment only. Loading happens when the module is instantiated, so a bad
 * configuration stops start-up with a `ConfigError`.
 */
@Global()
@Module({
  providers: [
    {
      provide: HarpConfig,
      // Optional so that importing the bare class (without forRoot) works too.
      inject: [{ token: HARP_CONFIG_MODULE_OPTIONS, optional: true }],
      useFactory: (options?: HarpConfigModuleOptions): HarpConfig =>
        options?.config ?? loadHarpConfig(options ?? {}),
    },
  ],
  exports: [HarpConfig],
})
export class HarpConfigModule extends HarpConfigConfigurableModule {}
