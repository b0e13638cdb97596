import type { INestApplication } from '@nestjs/common';
import { connect } from '../../src/agent/connect.js';
import type { HarpAgent } from '../../src/agent/harp-agent.js';
import { TEST_KEY } from '../helpers/harness.js';
import { eventually } from '../helpers/eventually.js';
import { send } from '../helpers/http-client.js';
import { startEmbeddedApp } from '../helpers/embedded-app.js';
import { outcome } from '../helpers/outcome-client.js';

// An application that imports HARP's modules: its own routes keep working, `/_harp/*` is
// HARP's, and everything else goes through the catch-all controller to an agent.
describe('HarpModule imported into another Nest app', () => {
  let app: INestApplication;
  let agent: HarpAgent | undefined;
  let base: string;
  let closed: Promise<void> | undefined;

  beforeEach(async () => {
    closed = undefined;
    ({ app, base } = await startEmbeddedApp());
  });

  afterEach(async () => {
    await agent?.close(100);
    await (closed ?? app.close());
  });

  it('keeps the host app routes, serves /_harp and forwards the rest to an agent', async () => {
    agent = await connect({
      server: base,
      key: TEST_KEY,
      handler: (req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => res.end(`agent got ${req.method} ${req.url} ${body}`));
      },
      reconnect: false,
    });
    expect((await send(`${base}/own`)).body.toString()).toBe('the host app answered');
    const health = JSON.parse((await send(`${base}/_harp/healthz`)).body.toString());
    expect(health).toMatchObject({ status: 'ok', agents: 1, routes: 1 });
    const forwarded = await send(`${base}/elsewhere?q=1`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(forwarded.body.toString()).toBe('agent got POST /elsewhere?q=1 {"a":1}');
  });

  it('never forwards an unknown /_harp path to a backend', async () => {
    agent = await connect({ server: base, key: TEST_KEY, handler: (_req, res) => res.end('leaked'), reconnect: false });
    const res = await send(`${base}/_harp/nope`);
    expect(res.status).toBe(404);
    expect(res.body.toString()).not.toContain('leaked');
  });

  it('app.close() lets a request in flight finish before the app stops, and takes no new connection', async () => {
    let arrived = false;
    agent = await connect({
      server: base,
      key: TEST_KEY,
      handler: (_req, res) => {
        arrived = true;
        setTimeout(() => res.end('the slow answer'), 800);
      },
      reconnect: false,
    });
    const slow = outcome(`${base}/slow`);
    await eventually(() => arrived, 5000, 'the request at the agent');
    closed = app.close();
    await eventually(async () => (await outcome(`${base}/own`)).status === 0, 500, 'the listener closed');
    const result = await slow;
    expect(result).toMatchObject({ status: 200, complete: true });
    expect(result.body.toString()).toBe('the slow answer');
    await closed;
  });
});
