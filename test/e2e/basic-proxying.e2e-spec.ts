import { createHash, randomBytes } from 'node:crypto';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('proxying through an agent', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('relays method, path, query, status and repeated headers', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => {
      res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.writeHead(201, { 'X-Seen': `${req.method} ${req.url}` });
      res.end('created');
    });
    await h.agent(proxy, upstream.url);
    const res = await send(`${proxy.url}/things?x=1&y=2`, { method: 'PUT', body: 'hi' });
    expect(res.status).toBe(201);
    expect(res.headers['x-seen']).toBe('PUT /things?x=1&y=2');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(res.body.toString()).toBe('created');
  });

  it('carries binary bodies byte-exact both ways', async () => {
    const proxy = await h.proxy();
    const upload = randomBytes(3 * 1024 * 1024 + 17);
    const download = randomBytes(5 * 1024 * 1024 + 3);
    let received = '';
    const upstream = await h.upstream((req, res) => {
      const hash = createHash('sha256');
      req.on('data', (c) => hash.update(c));
      req.on('end', () => {
        received = hash.digest('hex');
        res.end(download);
      });
    });
    await h.agent(proxy, upstream.url);
    const res = await send(`${proxy.url}/bin`, { method: 'POST', body: upload });
    expect(received).toBe(sha256(upload));
    expect(sha256(res.body)).toBe(sha256(download));
  });

  it('sends no body for HEAD, 204 and 304', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => {
      if (req.url === '/204') return void res.writeHead(204).end();
      if (req.url === '/304') return void res.writeHead(304, { ETag: '"x"' }).end();
      res.writeHead(200, { 'Content-Length': '5' });
      res.end(req.method === 'HEAD' ? undefined : 'hello');
    });
    await h.agent(proxy, upstream.url);
    const head = await send(`${proxy.url}/x`, { method: 'HEAD' });
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '5', 0]);
    expect((await send(`${proxy.url}/204`)).status).toBe(204);
    const notModified = await send(`${proxy.url}/304`);
    expect([notModified.status, notModified.headers.etag, notModified.body.length]).toEqual([304, '"x"', 0]);
  });

  it('answers 404 with a code when no route matches', async () => {
    const proxy = await h.proxy();
    const res = await send(`${proxy.url}/nothing`);
    expect(res.status).toBe(404);
    expect(res.headers['x-harp-error']).toBe('no_route');
  });

  it('serves an in-process handler without a local port', async () => {
    const proxy = await h.proxy();
    await h.agent(proxy, (req, res) => res.end(`handled ${req.url}`));
    const res = await send(`${proxy.url}/in-process`);
    expect(res.body.toString()).toBe('handled /in-process');
  });
});
