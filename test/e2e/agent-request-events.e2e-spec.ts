import { createServer as createH2cServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { ExchangeRecord, RequestStart } from '../../src/agent/upstream-relay.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// The agent's per-request events, which the console's numbers (in flight, req/s, latency) and
// its JSON log are made of: a `request` when one arrives, one `exchange` when it ends.
describe('the agent\'s request events', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('reports a request when it arrives and its end with status, time, bytes and the proxy\'s request id', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => {
      if (req.url === '/slow') void held.then(() => res.end('slow body'));
      else res.writeHead(201).end('12345');
    });
    const agent = await h.agent(proxy, upstream.url);
    const starts: RequestStart[] = [];
    const ends: ExchangeRecord[] = [];
    agent.on('request', (start) => starts.push(start));
    agent.on('exchange', (record) => ends.push(record));

    const slow = send(`${proxy.url}/slow`, { headers: { 'x-request-id': 'client-id-1' } });
    await eventually(() => starts.length === 1, 5000, 'the request to arrive');
    expect(starts[0]).toEqual({ method: 'GET', target: '/slow', requestId: 'client-id-1' });
    expect(ends).toEqual([]);
    release();
    expect((await slow).status).toBe(200);
    await eventually(() => ends.length === 1, 5000, 'the request to end');
    expect(ends[0]).toMatchObject({ method: 'GET', target: '/slow', status: 200, bytes: 9, requestId: 'client-id-1' });
    expect(ends[0]!.ms).toBeGreaterThanOrEqual(0);

    const fast = await send(`${proxy.url}/fast`, { method: 'POST', body: 'x' });
    await eventually(() => ends.length === 2, 5000, 'the second request to end');
    // Without a sane id of the client's, the proxy makes one and the agent reports that one.
    expect(ends[1]).toMatchObject({ method: 'POST', target: '/fast', status: 201, bytes: 5, requestId: fast.headers['x-request-id'] });
    expect(starts[1]!.requestId).toBe(fast.headers['x-request-id']);
  });

  it('reports a request whose upstream is down as ended with status 0 and the error', async () => {
    const proxy = await h.proxy();
    const agent = await h.agent(proxy, 'http://127.0.0.1:1');
    const ends: ExchangeRecord[] = [];
    let started = 0;
    agent.on('request', () => started++);
    agent.on('exchange', (record) => ends.push(record));
    expect((await send(`${proxy.url}/x`)).status).toBe(502);
    await eventually(() => ends.length === 1, 5000, 'the failed request to end');
    expect(started).toBe(1);
    expect(ends[0]).toMatchObject({ status: 0, bytes: 0 });
    expect(ends[0]!.error).toBeTruthy();
  });

  it('counts the response bytes of an HTTP/2 upstream too', async () => {
    const h2c = createH2cServer((_req, res) => res.end('over h2!'));
    await new Promise<void>((resolve) => h2c.listen(0, '127.0.0.1', resolve));
    h.defer(() => new Promise<void>((resolve) => h2c.close(() => resolve())));
    const proxy = await h.proxy();
    const agent = await h.agent(proxy, `http://127.0.0.1:${(h2c.address() as AddressInfo).port}`, { h2: true });
    const ends: ExchangeRecord[] = [];
    agent.on('exchange', (record) => ends.push(record));
    expect((await send(`${proxy.url}/h2`)).body.toString()).toBe('over h2!');
    await eventually(() => ends.length === 1, 5000, 'the request to end');
    expect(ends[0]).toMatchObject({ target: '/h2', status: 200, bytes: 8 });
    expect(ends[0]!.requestId).toEqual(expect.any(String));
  });

  it('counts the response bytes of a request that expects 100-continue too', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => {
      req.resume();
      req.on('end', () => res.end('continued'));
    });
    const agent = await h.agent(proxy, upstream.url);
    const ends: ExchangeRecord[] = [];
    agent.on('exchange', (record) => ends.push(record));
    const answer = await send(`${proxy.url}/expect`, { method: 'POST', body: 'up', headers: { expect: '100-continue' } });
    expect(answer.body.toString()).toBe('continued');
    await eventually(() => ends.length === 1, 5000, 'the request to end');
    expect(ends[0]).toMatchObject({ target: '/expect', status: 200, bytes: 9 });
  });
});
