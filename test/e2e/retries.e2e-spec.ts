import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HarpServer } from '../../src/server/harp-server.js';
import { collectReports } from '../helpers/exchange-reports.js';
import { adminApi } from '../helpers/admin-api.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { outcome } from '../helpers/outcome-client.js';
import { agentInternals } from '../helpers/tunnels.js';
import { closedPort } from '../helpers/ports.js';

// docs/operations.md, "Retries": a request goes to another member only when no client saw a
// byte of the answer and no backend got a byte of its body; then, when no backend processed it
// (RESET Refused / UpstreamUnreachable), or when its method is idempotent and the failure came
// before the response head.

/** An address where nothing listens: connecting to it is refused at once. */
const DEAD_UPSTREAM = `http://127.0.0.1:${await closedPort()}`;

describe('safe retries', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  const reports = (proxy: HarpServer) => collectReports(h, proxy);

  it('an agent whose upstream refuses connections says so, and every request without a body goes to the other member', async () => {
    const proxy = await h.proxy();
    const seen = reports(proxy);
    await h.agent(proxy, DEAD_UPSTREAM, { name: 'dead' });
    await h.agent(proxy, (req, res) => res.end(`alive ${req.method}`), { name: 'alive' });

    const answers = [];
    for (const method of ['GET', 'GET', 'POST', 'POST', 'DELETE', 'DELETE']) {
      answers.push(await outcome(`${proxy.url}/x`, { method, timeoutMs: 3000 }));
    }
    // Not even a POST hurts: the upstream never saw it.
    expect(answers.map((a) => [a.status, a.body.toString()])).toEqual(
      ['GET', 'GET', 'POST', 'POST', 'DELETE', 'DELETE'].map((m) => [200, `alive ${m}`]),
    );
    await eventually(() => seen.length === 6, 2000, 'six reports');
    // Each request is sent at most once more; the retry's own pick moves the round robin past the
    // dead member, so the next request starts there again (until passive health ejects it).
    expect(seen.every((r) => r.retries === 0 || r.retries === 1)).toBe(true);
    expect(seen.map((r) => r.retries).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
  });

  it('a request with a body is never sent twice: it gets 502 when its backend fails', async () => {
    const proxy = await h.proxy();
    await h.agent(proxy, DEAD_UPSTREAM, { name: 'dead' });
    await h.agent(proxy, (req, res) => {
      req.resume();
      req.on('end', () => res.end('alive'));
    });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await outcome(`${proxy.url}/upload`, { method: 'POST', body: 'data', timeoutMs: 3000 }));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 502, 502]);
    expect(answers.filter((a) => a.status === 502).map((a) => a.headers['x-harp-error'])).toEqual(['upstream_error', 'upstream_error']);
  });

  it('an idempotent request whose upstream fails before answering is sent once more, to another member', async () => {
    const proxy = await h.proxy();
    const hits = { breaking: 0, alive: 0 };
    // Accepts the request, then drops the connection without a word: it may have processed it.
    await h.agent(proxy, (req: IncomingMessage) => {
      hits.breaking++;
      req.socket.destroy();
    });
    await h.agent(proxy, (req, res) => {
      hits.alive++;
      res.end(`alive ${req.method}`);
    });
    const gets = [await outcome(`${proxy.url}/g1`), await outcome(`${proxy.url}/g2`)];
    expect(gets.map((a) => [a.status, a.body.toString()])).toEqual([
      [200, 'alive GET'],
      [200, 'alive GET'],
    ]);
    // A POST is not idempotent: the upstream may have acted on it, so it is not repeated.
    const posts = [await outcome(`${proxy.url}/p1`, { method: 'POST' }), await outcome(`${proxy.url}/p2`, { method: 'POST' })];
    expect(posts.map((a) => a.status).sort()).toEqual([200, 502]);
    // g1, g2 and p1 reached the breaking member first (the retries move the round robin on).
    expect(hits).toEqual({ breaking: 3, alive: 3 });
  });

  it('the inspector shows which attempt served a request', async () => {
    const proxy = await h.proxy();
    await h.agent(proxy, DEAD_UPSTREAM, { name: 'dead' });
    await h.agent(proxy, (_req, res) => res.end('alive'), { name: 'alive' });
    await outcome(`${proxy.url}/first`);
    const list = await adminApi(proxy, 'GET', '/inspector/requests');
    const [exchange] = list.json.entries;
    const agents = (await adminApi(proxy, 'GET', '/agents')).json as Array<{ id: string; name: string }>;
    expect([exchange.retries, exchange.agentId]).toEqual([1, agents.find((a) => a.name === 'alive')!.id]);
  });

  it('an idempotent request is sent again at most once', async () => {
    const proxy = await h.proxy();
    let hits = 0;
    const breaking = (req: IncomingMessage): void => {
      hits++;
      req.socket.destroy();
    };
    await h.agent(proxy, breaking);
    await h.agent(proxy, breaking);
    await h.agent(proxy, breaking);
    const answer = await outcome(`${proxy.url}/x`, { timeoutMs: 3000 });
    expect([answer.status, answer.headers['x-harp-error'], hits]).toEqual([502, 'upstream_error', 2]);
  });

  it('nothing is sent again once the response has started', async () => {
    const proxy = await h.proxy();
    let other = 0;
    await h.agent(proxy, (_req, res: ServerResponse) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    await h.agent(proxy, (_req, res) => {
      other++;
      res.end('other');
    });
    const answer = await outcome(`${proxy.url}/x`, { timeoutMs: 3000 });
    expect([answer.status, answer.complete, answer.body.toString()]).toEqual([200, false, 'partial']);
    expect(other).toBe(0);
  });

  it('the only agent dies with a GET in flight: the agent that reconnects serves it', async () => {
    const proxy = await h.proxy({ routeGraceMs: 5000 });
    let calls = 0;
    let firstArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
    const agent = await h.agent(
      proxy,
      (req, res) => {
        calls++;
        if (calls === 1) return firstArrived(); // never answered: its connection dies first
        res.end(`served on attempt ${calls}`);
      },
      { reconnect: { initialDelayMs: 50, maxDelayMs: 100 } },
    );
    const pending = outcome(`${proxy.url}/x`, { timeoutMs: 5000 });
    await arrived;
    agentInternals(agent).socket.terminate(); // as a killed process's connection ends
    const answer = await pending;
    expect([answer.status, answer.body.toString()]).toEqual([200, 'served on attempt 2']);
  });
});
