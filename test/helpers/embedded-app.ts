import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { setupHarpOpenApi } from '../../src/admin/openapi.js';
import { HarpModule } from '../../src/harp.module.js';
import { HarpWsAdapter } from '../../src/server/harp-ws-adapter.js';
import { TEST_KEY } from './harness.js';

@Controller('own')
class OwnController {
  @Get()
  hello(): string {
    return 'the host app answered';
  }
}

/** The host application's own module: `GET /own` answers `the host app answered`. */
@Module({ controllers: [OwnController] })
export class OwnModule {}

/**
 * An application that imports HARP the documented way: its own module first, `HarpModule`
 * last (with the test key), HARP's WebSocket adapter, and optionally the OpenAPI document; on
 * 127.0.0.1 and a free port.
 */
export async function startEmbeddedApp(options: { openApi?: boolean } = {}): Promise<{ app: INestApplication; base: string }> {
  const moduleRef = await Test.createTestingModule({
    imports: [OwnModule, HarpModule.forRoot({ env: {}, overrides: { key: TEST_KEY } })],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  app.useWebSocketAdapter(new HarpWsAdapter(app));
  if (options.openApi) setupHarpOpenApi(app);
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}
