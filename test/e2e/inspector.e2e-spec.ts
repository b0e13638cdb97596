import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { HarpServer } from '../../src/server/harp-server.js';
import { adminApi, eventually } from '../helpers/admin-api.js';
import { sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// The request inspector: what a developer debugging a webhook looks at, and sends again.

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('admin API: inspector', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  /** A proxy with an agent whose upstream records what it gets and echoes a small answer. */
  async function setUp(overrides: Parameters<Harness['proxy']>[0] = {}) {
    const proxy = await h.proxy(overrides);
    const seen: Seen[] = [];
    const upstream = await h.upstream((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        if (req.url!.startsWith('/missing')) return void res.writeHead(404).end('not here');
        if (req.url!.startsWith('/broken')) return void res.writeHead(503).end('down');
        if (req.url!.startsWith('/binary')) return void res.writeHead(200).end(Buffer.from([0xff, 0x00, 0xfe, 0x80]));
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Set-Cookie': 'session=abc123', 'X-Trace': 'visible' });
        res.end(`answer to ${req.method} ${req.url}`);
      });
    });
    await h.agent(proxy, upstream.url, { name: 'hooks', routes: [{ host: '*', path: '/' }] });
    return { proxy, seen };
  }

  const list = async (proxy: HarpServer, query = '') => (await adminApi(proxy, 'GET', `/inspector/requests${query}`)).json;

  it('records method, host, target, status, route, agent and timings of each exchange, newest first', async () => {
    const { proxy } = await setUp();
    await send(`${proxy.url}/first?a=1`, { headers: { Host: 'hooks.example.com' } });
    await send(`${proxy.url}/second`, { method: 'POST', body: 'payload' });
    await eventually(async () => (await list(proxy)).held === 2);

    const answer = await list(proxy);
    expect(answer).toMatchObject({ held: 2, capacity: 500, bodies: false });
    const [second, first] = answer.entries;
    expect(first).toMatchObject({
      method: 'GET',
      host: 'hooks.example.com',
      target: '/first?a=1',
      status: 200,
      errorCode: null,
      complete: true,
      route: { host: '*', path: '/' },
      replayOf: null,
    });
    expect(first.agentId).toMatch(/^[0-9a-f]{12}$/);
    expect(first.requestId).toEqual(expect.any(String));
    expect(Date.parse(first.startedAt)).toBeLessThanOrEqual(Date.now());
    expect(first.timings.queueMs).toBeGreaterThanOrEqual(0);
    expect(first.timings.backendMs).toBeGreaterThanOrEqual(0);
    expect(first.timings.totalMs).toBeGreaterThanOrEqual(first.timings.queueMs + first.timings.backendMs - 0.02);
    expect(second).toMatchObject({ method: 'POST', target: '/second', bytesIn: 7, bytesOut: 'answer to POST /second'.length });
    expect(Number(second.id)).toBeGreaterThan(Number(first.id));
  });

  it('shows headers with Authorization, Cookie, Set-Cookie and configured fields redacted', async () => {
    const { proxy } = await setUp({ inspectorRedactHeaders: ['X-Api-Key'] });
    await send(`${proxy.url}/secret`, {
      headers: { Authorization: 'Bearer s3cr3t', Cookie: 'sid=42', 'x-api-key': 'k-123', 'X-Plain': 'shown' },
    });
    await eventually(async () => (await list(proxy)).held === 1);
    const id = (await list(proxy)).entries[0].id;
    const { status, json, text } = await adminApi(proxy, 'GET', `/inspector/requests/${id}`);

    expect(status).toBe(200);
    const request = Object.fromEntries(json.request.headers.map((f: any) => [f.name.toLowerCase(), f.value]));
    expect(request).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]', 'x-api-key': '[redacted]', 'x-plain': 'shown' });
    const response = Object.fromEntries(json.response.headers.map((f: any) => [f.name.toLowerCase(), f.value]));
    expect(response).toMatchObject({ 'set-cookie': '[redacted]', 'x-trace': 'visible', 'content-type': 'text/plain' });
    expect(json.response).toMatchObject({ httpVersion: '1.1', statusText: 'OK', body: null });
    expect(json.request.body).toBeNull();
    for (const secret of ['s3cr3t', 'sid=42', 'k-123', 'abc123']) expect(text).not.toContain(secret);
  });

  it('keeps the first bytes of bodies only when bodies are turned on', async () => {
    const { proxy } = await setUp({ inspectorBodies: true, inspectorBodyBytes: 8 });
    await send(`${proxy.url}/upload`, { method: 'PUT', body: '0123456789abcdef' });
    await send(`${proxy.url}/binary`);
    await eventually(async () => (await list(proxy)).held === 2);
    const [binary, upload] = (await list(proxy)).entries;

    const detail = (await adminApi(proxy, 'GET', `/inspector/requests/${upload.id}`)).json;
    expect(detail.request.body).toEqual({ size: 16, truncated: true, encoding: 'utf8', text: '01234567' });
    expect(detail.response.body).toEqual({ size: 'answer to PUT /upload'.length, truncated: true, encoding: 'utf8', text: 'answer t' });
    const bytes = (await adminApi(proxy, 'GET', `/inspector/requests/${binary.id}`)).json;
    expect(bytes.response.body).toEqual({ size: 4, truncated: false, encoding: 'base64', text: Buffer.from([0xff, 0, 0xfe, 0x80]).toString('base64') });
    expect(bytes.request.body).toBeNull();
  });

  it('records the proxy’s own error answers with their code', async () => {
    const proxy = await h.proxy();
    await send(`${proxy.url}/nobody-serves-this`);
    await eventually(async () => (await list(proxy)).held === 1);
    expect((await list(proxy)).entries[0]).toMatchObject({ status: 404, errorCode: 'no_route', route: null, agentId: null });
  });

  it('filters by host, path prefix and status class, and limits the count', async () => {
    const { proxy } = await setUp();
    await send(`${proxy.url}/hooks/github`, { headers: { Host: 'a.example.com' } });
    await send(`${proxy.url}/hooks/stripe`, { headers: { Host: 'b.example.com:8080' } });
    await send(`${proxy.url}/missing/page`, { headers: { Host: 'a.example.com' } });
    await send(`${proxy.url}/broken`, { headers: { Host: 'a.example.com' } });
    await eventually(async () => (await list(proxy)).held === 4);

    const targets = async (query: string) => (await list(proxy, query)).entries.map((e: any) => e.target);
    expect(await targets('?host=A.example.com')).toEqual(['/broken', '/missing/page', '/hooks/github']);
    expect(await targets('?host=b.example.com')).toEqual(['/hooks/stripe']);
    expect(await targets('?pathPrefix=/hooks')).toEqual(['/hooks/stripe', '/hooks/github']);
    expect(await targets('?status=4xx')).toEqual(['/missing/page']);
    expect(await targets('?status=5xx&host=a.example.com')).toEqual(['/broken']);
    expect(await targets('?limit=1')).toEqual(['/broken']);
  });

  it('refuses malformed filters and ids with 400 naming the field, and unknown ids with 404', async () => {
    const proxy = await h.proxy();
    const status = await adminApi(proxy, 'GET', '/inspector/requests?status=6xx');
    expect(status.status).toBe(400);
    expect(status.text).toContain('status must be one of');
    const limit = await adminApi(proxy, 'GET', '/inspector/requests?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.text).toContain('limit must be at least 1');
    expect((await adminApi(proxy, 'GET', '/inspector/requests?pathPrefix=nope')).status).toBe(400);
    expect((await adminApi(proxy, 'GET', '/inspector/requests?extra=1')).status).toBe(400);
    const id = await adminApi(proxy, 'GET', '/inspector/requests/abc');
    expect(id.status).toBe(400);
    expect(id.text).toContain('id must be a positive whole number');
    expect((await adminApi(proxy, 'GET', '/inspector/requests/999')).status).toBe(404);
    expect((await adminApi(proxy, 'POST', '/inspector/requests/999/replay')).status).toBe(404);
  });

  it('holds at most inspectorCapacity exchanges, dropping the oldest', async () => {
    const { proxy } = await setUp({ inspectorCapacity: 3 });
    for (let i = 1; i <= 5; i++) await send(`${proxy.url}/n${i}`);
    await eventually(async () => (await list(proxy)).entries[0]?.target === '/n5');
    const answer = await list(proxy);
    expect(answer.entries.map((e: any) => e.target)).toEqual(['/n5', '/n4', '/n3']);
    expect(answer).toMatchObject({ held: 3, capacity: 3 });
    const oldest = Number(answer.entries[2].id) - 1;
    expect((await adminApi(proxy, 'GET', `/inspector/requests/${oldest}`)).status).toBe(404);
  });

  it('records nothing when turned off', async () => {
    const { proxy } = await setUp({ inspectorEnabled: false });
    await send(`${proxy.url}/x`);
    await sleep(50);
    expect(await list(proxy)).toMatchObject({ entries: [], held: 0 });
  });

  describe('replay', () => {
    it('sends a request again as received, secrets included, with a new request id', async () => {
      const { proxy, seen } = await setUp();
      await send(`${proxy.url}/webhook?delivery=7`, {
        headers: { Host: 'hooks.example.com', Authorization: 'Bearer s3cr3t', 'X-Signature': 'sig=1' },
      });
      await eventually(async () => (await list(proxy)).held === 1);
      const original = (await list(proxy)).entries[0];

      const replay = await adminApi(proxy, 'POST', `/inspector/requests/${original.id}/replay`);

      expect(replay.status).toBe(201);
      expect(replay.json).toMatchObject({ method: 'GET', target: '/webhook?delivery=7', status: 200, replayOf: original.id });
      expect(replay.json.id).not.toBe(original.id);
      expect(replay.json.requestId).not.toBe(original.requestId);
      expect(seen).toHaveLength(2);
      const [first, again] = seen;
      expect(again!.url).toBe('/webhook?delivery=7');
      expect(again!.headers).toMatchObject({ host: 'hooks.example.com', authorization: 'Bearer s3cr3t', 'x-signature': 'sig=1' });
      expect(again!.headers['x-request-id']).toBe(replay.json.requestId);
      expect(first!.headers['x-request-id']).toBe(original.requestId);
      // The replay is held like any other exchange.
      expect((await list(proxy)).entries[0]).toMatchObject({ id: replay.json.id, replayOf: original.id });
    });

    it('sends a recorded body again byte for byte', async () => {
      const { proxy, seen } = await setUp({ inspectorBodies: true, inspectorBodyBytes: 64 * 1024 });
      const body = Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7) % 256));
      await send(`${proxy.url}/upload`, { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } });
      await eventually(async () => (await list(proxy)).held === 1);
      const original = (await list(proxy)).entries[0];

      const replay = await adminApi(proxy, 'POST', `/inspector/requests/${original.id}/replay`);

      expect(replay.status).toBe(201);
      expect(replay.json).toMatchObject({ method: 'POST', bytesIn: 40_000, status: 200 });
      expect(seen).toHaveLength(2);
      expect(sha(seen[1]!.body)).toBe(sha(body));
      expect(seen[1]!.headers).toMatchObject({ 'content-type': 'application/octet-stream', 'content-length': '40000' });
    });

    it('refuses with 409 when the body was not recorded, or only in part', async () => {
      const off = await setUp();
      await send(`${off.proxy.url}/upload`, { method: 'POST', body: 'abc' });
      await eventually(async () => (await list(off.proxy)).held === 1);
      const unrecorded = await adminApi(off.proxy, 'POST', `/inspector/requests/${(await list(off.proxy)).entries[0].id}/replay`);
      expect(unrecorded.status).toBe(409);
      expect(unrecorded.text).toContain('HARP_INSPECTOR_BODIES=1');

      const partial = await setUp({ inspectorBodies: true, inspectorBodyBytes: 2 });
      await send(`${partial.proxy.url}/upload`, { method: 'POST', body: 'abc' });
      await eventually(async () => (await list(partial.proxy)).held === 1);
      const cut = await adminApi(partial.proxy, 'POST', `/inspector/requests/${(await list(partial.proxy)).entries[0].id}/replay`);
      expect(cut.status).toBe(409);
      expect(cut.text).toContain('only 2 bytes were recorded');
      expect(off.seen).toHaveLength(1);
      expect(partial.seen).toHaveLength(1);
    });
  });

  describe('HAR export', () => {
    it('exports every held exchange as HAR 1.2, oldest first, with secrets redacted', async () => {
      const { proxy } = await setUp({ inspectorBodies: true });
      await send(`${proxy.url}/a?x=1&y=two`, { headers: { Host: 'h.example.com', Cookie: 'sid=42' } });
      await send(`${proxy.url}/b`, { method: 'POST', body: '{"ok":true}', headers: { 'Content-Type': 'application/json' } });
      await eventually(async () => (await list(proxy)).held === 2);

      const res = await adminApi(proxy, 'GET', '/inspector/requests.har');

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toContain('.har');
      expect(res.text).not.toContain('sid=42');
      expect(res.text).not.toContain('abc123');
      const { log } = res.json;
      expect(log.version).toBe('1.2');
      expect(log.creator.name).toBe('HARP');
      expect(log.entries).toHaveLength(2);
      const [a, b] = log.entries;
      expect(a.request).toMatchObject({ method: 'GET', url: 'http://h.example.com/a?x=1&y=two', httpVersion: 'HTTP/1.1' });
      expect(a.request.queryString).toEqual([{ name: 'x', value: '1' }, { name: 'y', value: 'two' }]);
      expect(a.response).toMatchObject({ status: 200, statusText: 'OK' });
      expect(a.response.content).toMatchObject({ mimeType: 'text/plain', text: 'answer to GET /a?x=1&y=two' });
      expect(b.request.postData).toMatchObject({ mimeType: 'application/json', text: '{"ok":true}' });
      for (const entry of log.entries) {
        const t = entry.timings;
        const sum = [t.blocked, t.dns, t.connect, t.send, t.wait, t.receive].filter((v: number) => v >= 0).reduce((x: number, y: number) => x + y, 0);
        expect(entry.time).toBeCloseTo(sum, 5);
        expect(Date.parse(entry.startedDateTime)).not.toBeNaN();
      }
    });
  });

  it('answers only with the admin token when one is configured', async () => {
    const proxy = await h.proxy({ adminToken: 'admin-token-123' });
    for (const [method, path] of [
      ['GET', '/inspector/requests'],
      ['GET', '/inspector/requests/1'],
      ['POST', '/inspector/requests/1/replay'],
      ['GET', '/inspector/requests.har'],
    ] as const) {
      expect((await adminApi(proxy, method, path)).status).toBe(401);
      expect((await adminApi(proxy, method, path, { Authorization: 'Bearer wrong' })).status).toBe(401);
    }
    const ok = await adminApi(proxy, 'GET', '/inspector/requests', { Authorization: 'Bearer admin-token-123' });
    expect(ok.status).toBe(200);
  });
});
