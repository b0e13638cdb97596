import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigError } from './config.error.js';
import { HarpConfigModule } from './config.module.js';
import { HarpConfig } from './harp-config.js';

@Injectable()
class Consumer {
  constructor(readonly config: HarpConfig) {}
}

// A feature module that does not import HarpConfigModule: the config must reach it as a global.
@Module({ providers: [Consumer], exports: [Consumer] })
class FeatureModule {}

describe('HarpConfigModule', () => {
  it('provides HarpConfig globally from forRoot options', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HarpConfigModule.forRoot({ env: { HARP_PORT: '9000' }, overrides: { logLevel: 'warn' } }),
        FeatureModule,
      ],
    }).compile();
    expect(moduleRef.get(HarpConfig)).toMatchObject({ port: 9000, logLevel: 'warn' });
    expect(moduleRef.get(Consumer).config).toBe(moduleRef.get(HarpConfig));
    await moduleRef.close();
  });

  it('supports forRootAsync', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [HarpConfigModule.forRootAsync({ useFactory: () => ({ env: {}, overrides: { port: 0 } }) })],
    }).compile();
    expect(moduleRef.get(HarpConfig).port).toBe(0);
    await moduleRef.close();
  });

  it('works imported without forRoot, from process.env', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [HarpConfigModule] }).compile();
    expect(moduleRef.get(HarpConfig).host).toEqual(expect.any(String));
    await moduleRef.close();
  });

  it('fails to start on bad configuration', async () => {
    const compiling = Test.createTestingModule({
      imports: [HarpConfigModule.forRoot({ env: { HARP_PORT: 'abc' } })],
    }).compile();
    await expect(compiling).rejects.toBeInstanceOf(ConfigError);
  });
});
