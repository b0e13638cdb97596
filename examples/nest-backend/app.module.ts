import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HarpBackendModule } from 'harp-proxy/backend';
import { HealthController } from './health.controller.js';
import { HelloController } from './hello.controller.js';

@Module({
  imports: [
    TerminusModule.forRoot(),
    // With @nestjs/config: imports: [ConfigModule], inject: [ConfigService],
    // useFactory: (config: ConfigService) => ({ server: config.getOrThrow('PROXY_URL'), … }).
    HarpBackendModule.forRootAsync({
      useFactory: () => ({
        server: process.env.PROXY_URL ?? 'ws://127.0.0.1:8080',
        key: process.env.HARP_KEY ?? '',
        name: 'nest-backend example',
        routes: [{ host: '*', path: '/' }],
      }),
    }),
  ],
  controllers: [HelloController, HealthController],
})
export class AppModule {}
