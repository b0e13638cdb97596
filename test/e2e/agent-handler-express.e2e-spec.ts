import express from 'express';
import { pseudoRandomStream, StreamDigest } from '../helpers/byte-streams.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// connect({ handler }) serves a plain Express application in this process: no port, the app's
// own request handler called with real Node request and response objects.

describe('connect({ handler }) with an Express application', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  function app() {
    const served = express();
    served.get('/greet', (req, res) => void res.json({ hello: req.query.name, path: req.path }));
    served.post('/upload', async (req, res) => {
      const digest = new StreamDigest();
      for await (const chunk of req) digest.update(chunk as Buffer);
      res.status(201).json(digest.result());
    });
    return served;
  }

  it('serves a GET through the proxy', async () => {
    const proxy = await h.proxy();
    await h.agent(proxy, app());

    const res = await send(`${proxy.url}/greet?name=harp`);

    expect(res.status).toBe(200);
    expect(res.headers['x-powered-by']).toBe('Express');
    expect(JSON.parse(res.body.toString())).toEqual({ hello: 'harp', path: '/greet' });
  });

  it('streams a request body into the handler', async () => {
    const proxy = await h.proxy();
    await h.agent(proxy, app());
    const expected = new StreamDigest();
    for await (const chunk of pseudoRandomStream(1024 * 1024, 'express-handler')) expected.update(chunk as Buffer);

    const res = await send(`${proxy.url}/upload`, { method: 'POST', body: pseudoRandomStream(1024 * 1024, 'express-handler') });

    expect(res.status).toBe(201);
    expect(JSON.parse(res.body.toString())).toEqual(expected.result());
  });
});
