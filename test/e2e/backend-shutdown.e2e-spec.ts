import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { HarpBackendModule, HarpTunnel } from '../../src/backend/index.js';
import { fixtureModule, SlowGate, startThroughHarp } from '../helpers/backend-app.js';
import type { AdapterKind } from '../helpers/backend-app.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// app.close() (what a signal runs with app.enableShutdownHooks()) drains the tunnel: the proxy
// sends nothing new, the request already in the application finishes, then the tunnel closes.

describe.each<AdapterKind>(['express', 'fastify'])('HarpBackendModule shutting down on %s', (kind) => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('lets the request in flight finish with 200, takes no new one, and leaves no route', async () => {
    // No grace period: a request for a route without members is answered 404 at once.
    const proxy = await h.proxy({ routeGraceMs: 0 });
    const app = await startThroughHarp(h, kind, proxy);
    const gate = app.get(SlowGate);
    const inFlight = send(`${proxy.url}/slow`);
    await eventually(() => gate.arrived === 1, 3000, 'the slow request to reach the application');

    let closed = false;
    const closing = app.close().then(() => (closed = true));
    // Once the agent drains, the proxy sends it nothing new (503 no_backend while its only
    // member drains), though the application is still up and would answer.
    await eventually(async () => (await send(`${proxy.url}/hello`)).headers['x-harp-error'] === 'no_backend', 3000, 'the proxy to stop sending');
    await sleep(100);
    expect(closed).toBe(false);

    gate.release();
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(finished.body.toString()).toBe('finally');
    await closing;

    const after = await send(`${proxy.url}/hello`);
    expect(after.status).toBe(404);
    expect(after.headers['x-harp-error']).toBe('no_route');
  });
});

describe('HarpBackendModule shutting down before any proxy answered', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('ends the start-up that was waiting for a registration', async () => {
    // A port nothing listens on: the agent keeps reconnecting, start-up keeps waiting.
    const nowhere = await h.upstream(() => undefined);
    await new Promise<void>((resolve) => nowhere.server.close(() => resolve()));
    const root = fixtureModule(HarpBackendModule.forRoot({ server: nowhere.url, key: TEST_KEY, reconnect: { initialDelayMs: 20, maxDelayMs: 20 } }));
    const app = await NestFactory.create(root, { logger: false });
    app.useWebSocketAdapter(new WsAdapter(app));
    let started = false;
    const starting = app.init().then(() => (started = true));
    await sleep(200);
    expect(started).toBe(false);

    await app.close();

    await starting;
    expect(app.get(HarpTunnel).status().state).toBe('closed');
  });
});
