import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { HarpBackendModule, HarpTunnel, HarpTunnelHealthIndicator } from '../../src/backend/index.js';
import type { HarpBackendOptions } from '../../src/backend/index.js';
import { backendOptions, fixtureModule, startBackendApp, startThroughHarp } from '../helpers/backend-app.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// The application reads its tunnel's state, and a terminus health check says whether the proxy
// brings it traffic. Its options may come from another provider (forRootAsync), as they do from
// @nestjs/config's ConfigService.

/** What `promise` rejects with; fails the test if it resolves. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );

/** Stands in for a configuration service: a provider another module exports. */
const SETTINGS = Symbol('settings');
interface Settings {
  harp(): HarpBackendOptions;
}

describe('HarpBackendModule.forRootAsync', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('takes its options from an injected provider and serves through the proxy', async () => {
    const proxy = await h.proxy();
    const settings: Settings = { harp: () => backendOptions(proxy, { name: 'from-settings' }) };
    @Module({ providers: [{ provide: SETTINGS, useValue: settings }], exports: [SETTINGS] })
    class SettingsModule {}
    const harp = HarpBackendModule.forRootAsync({ imports: [SettingsModule], inject: [SETTINGS], useFactory: (s: Settings) => s.harp() });

    await startBackendApp(h, 'express', fixtureModule(harp));

    expect((await send(`${proxy.url}/hello`)).status).toBe(200);
    const agents = await send(`${proxy.url}/_harp/api/agents`);
    expect(agents.body.toString()).toContain('from-settings');
  });

  it('takes its options from @nestjs/config\'s ConfigService, as an application configures it', async () => {
    const proxy = await h.proxy();
    const env = { HARP_SERVER_URL: proxy.url, HARP_AGENT_KEY: backendOptions(proxy).key };
    const harp = HarpBackendModule.forRootAsync({
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => env] })],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        server: config.getOrThrow<string>('HARP_SERVER_URL'),
        key: config.getOrThrow<string>('HARP_AGENT_KEY'),
        name: 'from-config-service',
        routes: [{ path: '/hello' }],
      }),
    });

    await startBackendApp(h, 'express', fixtureModule(harp));

    expect((await send(`${proxy.url}/hello`)).status).toBe(200);
    expect((await send(`${proxy.url}/_harp/api/agents`)).body.toString()).toContain('from-config-service');
  });
});

describe('HarpTunnelHealthIndicator', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('is up with the accepted routes while the proxy has them', async () => {
    const proxy = await h.proxy();
    const app = await startThroughHarp(h, 'express', proxy, { routes: [{ path: '/hello' }] });

    expect(app.get(HarpTunnelHealthIndicator).isHealthy()).toEqual({ harp: { status: 'up', state: 'registered', routes: ['*/hello'] } });
    expect(app.get(HarpTunnel).status()).toEqual({ state: 'registered', routes: ['*/hello'], refused: [] });
  });

  it('goes down when the proxy is gone, and a terminus check fails with it', async () => {
    const proxy = await h.proxy();
    const app = await startBackendApp(h, 'express', fixtureModule(HarpBackendModule.forRoot(backendOptions(proxy)), { imports: [TerminusModule.forRoot()] }));
    const indicator = app.get(HarpTunnelHealthIndicator);
    const health = app.get(HealthCheckService);
    await expect(health.check([() => indicator.isHealthy('tunnel')])).resolves.toMatchObject({ status: 'ok' });

    await proxy.close();

    await eventually(() => indicator.isHealthy().harp.status === 'down', 5000, 'the indicator to go down');
    expect(['connecting', 'closed']).toContain(app.get(HarpTunnel).status().state);
    const failure = await rejection(health.check([() => indicator.isHealthy('tunnel')]));
    expect((failure as { getResponse(): unknown }).getResponse()).toMatchObject({ status: 'error', error: { tunnel: { status: 'down' } } });
  });

  it('is down with the reason when the key is refused, without failing start-up (awaitRegistration: false)', async () => {
    const proxy = await h.proxy();
    const app = await startThroughHarp(h, 'express', proxy, { key: 'not-the-key-0123456789', awaitRegistration: false });
    const indicator = app.get(HarpTunnelHealthIndicator);

    await eventually(() => app.get(HarpTunnel).status().state === 'rejected', 5000, 'the key to be refused');
    expect(indicator.isHealthy()).toEqual({ harp: { status: 'down', state: 'rejected', routes: [], reason: expect.stringContaining('key_rejected') } });
  });

  it('fails start-up when the key is refused and start-up waits for registration', async () => {
    const proxy = await h.proxy();

    const failure = await rejection(startThroughHarp(h, 'express', proxy, { key: 'not-the-key-0123456789' }));

    expect(String(failure)).toContain('key_rejected');
  });
});
