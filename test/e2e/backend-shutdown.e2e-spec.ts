import { SlowGate, startThroughHarp } from '../helpers/backend-app.js';
import type { AdapterKind } from '../helpers/backend-app.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
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
