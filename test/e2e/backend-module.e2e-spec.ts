import { pseudoRandomStream, StreamDigest } from '../helpers/byte-streams.js';
import { startThroughHarp } from '../helpers/backend-app.js';
import type { AdapterKind } from '../helpers/backend-app.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// A Nest application that imports HarpBackendModule is served through the proxy without a port
// of its own, on either of Nest's HTTP adapters.

const TWO_MIB = 2 * 1024 * 1024;

async function digestOf(bytes: number, seed: string): Promise<{ bytes: number; sha256: string }> {
  const digest = new StreamDigest();
  for await (const chunk of pseudoRandomStream(bytes, seed)) digest.update(chunk as Buffer);
  return digest.result();
}

describe.each<AdapterKind>(['express', 'fastify'])('HarpBackendModule on %s', (kind) => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('serves a GET through the proxy, with no port opened', async () => {
    const proxy = await h.proxy();
    const app = await startThroughHarp(h, kind, proxy);

    const res = await send(`${proxy.url}/hello?x=1`);

    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ hello: 'from nest', path: '/hello?x=1' });
    expect((app.getHttpServer() as { listening: boolean }).listening).toBe(false);
  });

  it('serves a POST whose body is streamed, larger than the tunnel window, byte for byte', async () => {
    const proxy = await h.proxy();
    await startThroughHarp(h, kind, proxy);

    const res = await send(`${proxy.url}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: pseudoRandomStream(TWO_MIB, 'backend-upload'),
    });

    expect(res.status).toBe(201);
    expect(JSON.parse(res.body.toString())).toEqual(await digestOf(TWO_MIB, 'backend-upload'));
  });

  it('answers an unknown path with the application’s own 404', async () => {
    const proxy = await h.proxy();
    await startThroughHarp(h, kind, proxy);

    const res = await send(`${proxy.url}/nowhere`);

    expect(res.status).toBe(404);
    expect(res.headers['x-harp-error']).toBeUndefined();
  });
});

describe.each<AdapterKind>(['express', 'fastify'])('HarpBackendModule on %s that listens too', (kind) => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('is served on its own port and through the proxy', async () => {
    const proxy = await h.proxy();
    const app = await startThroughHarp(h, kind, proxy);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };

    expect((await send(`http://127.0.0.1:${port}/hello`)).status).toBe(200);
    expect((await send(`${proxy.url}/hello`)).status).toBe(200);
  });
});
