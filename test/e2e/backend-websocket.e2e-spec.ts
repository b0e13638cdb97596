import { Harness } from '../helpers/harness.js';
import { startThroughHarp } from '../helpers/backend-app.js';
import type { AdapterKind } from '../helpers/backend-app.js';
import { nextMessage, open } from '../helpers/websocket-client.js';

// A public client's WebSocket crosses the tunnel into the application's Nest gateway
// (@nestjs/platform-ws): the agent hands upgrades to the 'upgrade' listener the gateway's
// adapter put on the application's own, never-listening, HTTP server.

describe.each<AdapterKind>(['express', 'fastify'])('a Nest gateway behind HarpBackendModule on %s', (kind) => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('answers messages through the proxy', async () => {
    const proxy = await h.proxy();
    await startThroughHarp(h, kind, proxy);
    const ws = await open(`${proxy.url.replace('http', 'ws')}/live`);
    h.defer(() => ws.terminate());

    ws.send(JSON.stringify({ event: 'echo', data: { n: 1 } }));
    expect(JSON.parse((await nextMessage(ws)).data.toString())).toEqual({ event: 'echoed', data: { n: 1 } });
    ws.send(JSON.stringify({ event: 'echo', data: 'twice' }));
    expect(JSON.parse((await nextMessage(ws)).data.toString())).toEqual({ event: 'echoed', data: 'twice' });
  });

  it('refuses an upgrade on a path no gateway serves, as the adapter does on a port', async () => {
    const proxy = await h.proxy();
    await startThroughHarp(h, kind, proxy);

    await expect(open(`${proxy.url.replace('http', 'ws')}/elsewhere`)).rejects.toThrow();
  });
});
