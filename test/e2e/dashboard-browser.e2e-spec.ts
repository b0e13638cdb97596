import { request } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import { chromiumAvailableOrFail, launchChromium, saveScreenshot, type BrowserSession } from '../helpers/chromium.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { closedPort } from '../helpers/ports.js';
import { redisAvailableOrFail, redisScratch, TEST_REDIS_URL } from '../helpers/redis.js';

// The dashboard in a real headless Chromium, against a real proxy, agent and upstream. Each
// test leaves a screenshot in test-output/ (pass or fail) and prints where.

const describeBrowser = chromiumAvailableOrFail() ? describe : describe.skip;
const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const CLUSTER_SECRET = 'cluster-secret-for-tests-0123';

const SUITE = 'dashboard in Chromium';
const TOKEN = 'admin-token-0123456789abcdef';
const WAIT = { timeout: 8000 };

/** An upstream that answers every request and remembers what it received. */
function countingUpstream() {
  const received: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    received.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`hello from ${req.url}`));
  };
  return { received, handler };
}

/** What the tests read of the page's globals (the project's types have no DOM library). */
interface BrowserGlobals {
  readonly sessionStorage: { getItem(key: string): string | null };
}

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/** A GET with the target sent as written (a URL string would percent-encode `<` and `>`). */
function getRaw(port: number, path: string, headers: OutgoingHttpHeaders): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

describeBrowser(SUITE, () => {
  const h = new Harness();
  let browser: BrowserSession | undefined;

  afterEach(async () => {
    if (browser !== undefined) {
      const name = (expect.getState().currentTestName ?? 'unnamed').replace(`${SUITE} `, '');
      await saveScreenshot(browser.page, 'dashboard', name);
      await browser.close();
      browser = undefined;
    }
    await h.closeAll();
  });

  it('shows a connected agent and a proxied request, opens it and replays it', async () => {
    const proxy = await h.proxy({ inspectorBodies: true });
    const upstream = countingUpstream();
    const up = await h.upstream(upstream.handler);
    await h.agent(proxy, up.url, {
      name: 'dash-agent',
      weight: 3,
      routes: [{ host: '*', path: '/app', balance: 'least-requests', sticky: { cookie: 'sid' } }],
    });

    browser = await launchChromium();
    const { page } = browser;
    await page.goto(`${proxy.url}/_harp/`);
    expect(await page.title()).toBe('HARP dashboard');

    // The agent, from GET /agents; the stream, open.
    await byTestId(page, 'agent-name').filter({ hasText: 'dash-agent' }).waitFor(WAIT);
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor(WAIT);
    expect(await byTestId(page, 'agent-count').textContent()).toBe('1');
    expect(await byTestId(page, 'agent-weight').textContent()).toBe('3');
    // The route's mode and each member's weight and health, from GET /routes.
    expect(await byTestId(page, 'route-balancing').textContent()).toBe('least-requests · sticky cookie sid');
    const member = page.locator('[data-testid="route-member"][data-health="healthy"]');
    await member.waitFor(WAIT);
    expect(await member.textContent()).toMatch(/^dash-agent ×3 · 0 in flight healthy$/);

    // A request through the proxy's public port arrives in the list as a live `exchange` event.
    const res = await send(`${proxy.url}/app/hello?n=1`, { headers: { 'x-dashboard-test': 'yes' } });
    expect(res.status).toBe(200);
    const rows = byTestId(page, 'exchange-row').filter({ hasText: '/app/hello?n=1' });
    await rows.first().waitFor(WAIT);
    expect(await rows.first().getAttribute('data-status')).toBe('200');
    expect(upstream.received).toEqual(['GET /app/hello?n=1']);

    // Its detail: title, headers, body.
    await rows.first().click();
    const pane = byTestId(page, 'detail-pane');
    const id = await rows.first().getAttribute('data-id');
    await page.locator(`[data-testid="detail-pane"][data-loaded="${id}"]`).waitFor(WAIT);
    expect(await byTestId(page, 'detail-title').textContent()).toMatch(/^GET .*\/app\/hello\?n=1$/);
    expect(await byTestId(page, 'request-headers').textContent()).toContain('x-dashboard-test');
    expect(await byTestId(page, 'response-body').textContent()).toContain('hello from /app/hello?n=1');

    // Replay: a new exchange, marked as one, selected, and the upstream got the request again.
    await byTestId(page, 'replay-button').click();
    const replayed = page.locator('[data-testid="exchange-row"][data-replay="true"]').filter({ hasText: '/app/hello' });
    await replayed.first().waitFor(WAIT);
    await byTestId(page, 'detail-message').filter({ hasText: 'Replayed' }).waitFor(WAIT);
    const newId = await replayed.first().getAttribute('data-id');
    expect(newId).not.toBe(id);
    expect(await pane.getAttribute('data-loaded')).toBe(newId);
    expect(upstream.received).toEqual(['GET /app/hello?n=1', 'GET /app/hello?n=1']);
    expect(await rows.count()).toBe(2);

    expect(browser.errors).toEqual([]);
  });

  it('says how many requests a burst left out of the live list, and lists them all on reload', async () => {
    const proxy = await h.proxy();
    // The upstream answers the burst only once all 300 requests have arrived, so that they end
    // together: far above the 20 per 100 ms the stream sends live, however slow the machine.
    const BURST = 300;
    const waiting: Array<() => void> = [];
    const up = await h.upstream((req, res) => {
      req.resume();
      waiting.push(() => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`hello from ${req.url}`));
      if (!req.url!.startsWith('/burst/') || waiting.length === BURST) waiting.splice(0).forEach((answer) => answer());
    });
    await h.agent(proxy, up.url);

    browser = await launchChromium();
    const { page } = browser;
    await page.goto(`${proxy.url}/_harp/`);
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor(WAIT);

    await Promise.all(Array.from({ length: BURST }, (_, i) => send(`${proxy.url}/burst/${i}`)));
    await send(`${proxy.url}/after`); // carries the count of those left out
    const held = page.locator('#inspector-held');
    await held.filter({ hasText: 'not listed live' }).waitFor(WAIT);
    expect(await held.textContent()).toMatch(/ · [1-9]\d* not listed live \(change a filter to reload\)$/);

    // Any filter change reloads the list from the API: the proxy's own count, every row.
    await page.locator('#filters [name="pathPrefix"]').fill('/burst');
    await held.filter({ hasNotText: 'not listed live' }).waitFor(WAIT);
    expect(await held.textContent()).toBe('301 of at most 500 held · bodies not recorded');
    await expect(byTestId(page, 'exchange-row').count()).resolves.toBe(200);
  });

  it("shows a route whose agent left as held for its owner, until when", async () => {
    const proxy = await h.proxy({ routeGraceMs: 60_000 });
    const agent = await h.agent(proxy, (_req, res) => res.end('ok'), { name: 'leaving', routes: [{ host: 'grace.example', path: '/' }] });
    browser = await launchChromium();
    const { page } = browser;
    await page.goto(`${proxy.url}/_harp/`);
    await byTestId(page, 'route-member').filter({ hasText: 'leaving' }).waitFor(WAIT);
    expect(await byTestId(page, 'route-grace').count()).toBe(0);

    await agent.close(100);
    const grace = byTestId(page, 'route-grace');
    await grace.waitFor(WAIT);
    expect(await grace.textContent()).toMatch(/^no agent · held for its owner until .+ · 0 waiting$/);
    expect(await byTestId(page, 'route-member').count()).toBe(0);
  });

  it('shows hostile paths and headers as text, never as markup', async () => {
    const proxy = await h.proxy();
    const upstream = countingUpstream();
    await h.agent(proxy, upstream.handler, { name: '<b>bold</b>', routes: [{ host: '*', path: '/' }] });

    browser = await launchChromium();
    const { page } = browser;
    await page.goto(`${proxy.url}/_harp/`);
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor(WAIT);

    const target = '/x/<img/src=x/onerror=window.__pwned=1>';
    const header = '<svg/onload=window.__pwned=2>';
    expect(await getRaw(proxy.port, target, { 'x-evil': header })).toBe(200);
    expect(upstream.received).toEqual([`GET ${target}`]);
    const row = byTestId(page, 'exchange-row').filter({ hasText: target });
    await row.waitFor(WAIT);
    await row.click();
    await byTestId(page, 'request-headers').filter({ hasText: header }).waitFor(WAIT);

    expect(await byTestId(page, 'agent-name').textContent()).toBe('<b>bold</b>');
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main img, main svg, main b').count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });

  it('polls while the event stream is refused, and goes live again once it answers', async () => {
    const proxy = await h.proxy();
    await h.agent(proxy, countingUpstream().handler, { name: 'poll-agent' });

    browser = await launchChromium();
    const { page } = browser;
    await page.route('**/_harp/api/events', (route) => route.abort('connectionrefused'));
    await page.goto(`${proxy.url}/_harp/`);
    await page.locator('[data-testid="live-status"][data-state="down"]').waitFor(WAIT);
    expect(await byTestId(page, 'live-status').textContent()).toMatch(/^polling/);

    // No `exchange` event can come: the row arrives by polling the list.
    expect((await send(`${proxy.url}/polled`)).status).toBe(200);
    await byTestId(page, 'exchange-row').filter({ hasText: '/polled' }).waitFor(WAIT);
    expect(await byTestId(page, 'agent-count').textContent()).toBe('1');

    await page.unroute('**/_harp/api/events');
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor({ timeout: 10_000 });
    expect((await send(`${proxy.url}/streamed`)).status).toBe(200);
    await byTestId(page, 'exchange-row').filter({ hasText: '/streamed' }).waitFor(WAIT);
    // The aborted attempts are the browser's own console lines; nothing else went wrong.
    expect(browser.errors.filter((e) => !/ERR_CONNECTION_REFUSED|ERR_FAILED/.test(e))).toEqual([]);
  });

  it('asks for the admin token when one is configured, keeps it for the tab and sends it', async () => {
    const proxy = await h.proxy({ adminToken: TOKEN });
    await h.agent(proxy, countingUpstream().handler, { name: 'behind-token' });

    browser = await launchChromium();
    const { page } = browser;
    const apiCalls: Array<string | undefined> = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/_harp/api/')) apiCalls.push(request.headers()['authorization']);
    });
    await page.goto(`${proxy.url}/_harp/`);
    await byTestId(page, 'token-form').waitFor(WAIT);
    expect(await page.locator('main').isVisible()).toBe(false);

    await byTestId(page, 'token-input').fill('wrong');
    await byTestId(page, 'token-submit').click();
    await byTestId(page, 'token-message').filter({ hasText: 'not accepted' }).waitFor(WAIT);

    await byTestId(page, 'token-input').fill(TOKEN);
    await byTestId(page, 'token-submit').click();
    await byTestId(page, 'agent-name').filter({ hasText: 'behind-token' }).waitFor(WAIT);
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor(WAIT);
    const kept = await page.evaluate(() => {
      const globals = globalThis as unknown as BrowserGlobals;
      return globals.sessionStorage.getItem('harp.adminToken');
    });
    expect(kept).toBe(TOKEN);
    expect(apiCalls).toContain(`Bearer ${TOKEN}`);

    // A reload keeps the token (same tab): no form this time.
    apiCalls.length = 0;
    await page.reload();
    await byTestId(page, 'agent-name').filter({ hasText: 'behind-token' }).waitFor(WAIT);
    expect(await byTestId(page, 'token-form').isVisible()).toBe(false);
    expect(apiCalls.length).toBeGreaterThan(0);
    expect(apiCalls.every((value) => value === `Bearer ${TOKEN}`)).toBe(true);

    // The only errors are the browser's own lines for the 401s that made the page ask.
    expect(browser.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('shows no cluster section outside cluster mode', async () => {
    const proxy = await h.proxy();
    await h.agent(proxy, countingUpstream().handler, { name: 'solo' });
    browser = await launchChromium();
    const { page } = browser;
    await page.goto(`${proxy.url}/_harp/`);
    await byTestId(page, 'agent-name').filter({ hasText: 'solo' }).waitFor(WAIT);
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor(WAIT);
    expect(await byTestId(page, 'cluster').isVisible()).toBe(false);
    expect(await byTestId(page, 'cluster-node').count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });

  it('shows a cluster node cut off from Redis as such, with what it last knew', async () => {
    const proxy = await h.proxy({
      clusterSecret: CLUSTER_SECRET,
      redisUrl: `redis://127.0.0.1:${await closedPort()}`,
      nodeId: 'cut-off',
      clusterHeartbeatMs: 200,
      clusterHost: '127.0.0.1',
    });
    await h.agent(proxy, countingUpstream().handler, { name: 'still-served', routes: [{ host: 'kept.example', path: '/' }] });
    browser = await launchChromium();
    const { page } = browser;
    await page.goto(`${proxy.url}/_harp/`);
    await page.locator('[data-testid="cluster-route"][data-route="kept.example/"]').waitFor(WAIT);
    expect(await byTestId(page, 'cluster-status').textContent()).toBe('1 node · Redis unreachable: this is what this node last knew');
    expect(await byTestId(page, 'cluster').getAttribute('data-healthy')).toBe('false');
    expect(await byTestId(page, 'cluster-node-state').textContent()).toBe('cut off from Redis');
    expect(browser.errors).toEqual([]);
  });

  describeRedis('in cluster mode', () => {
    const scratch = redisScratch('dashboard-cluster');

    it('shows the nodes, which one is this node, and which nodes hold each route', async () => {
      const node = (nodeId: string) =>
        h.proxy({ clusterSecret: CLUSTER_SECRET, redisUrl: TEST_REDIS_URL, redisPrefix: scratch.prefix, nodeId, clusterHeartbeatMs: 200, clusterHost: '127.0.0.1' });
      const a = await node('node-a');
      const b = await node('node-b');
      const handler = countingUpstream().handler;
      await h.agent(a, handler, { name: 'on-a', key: TEST_KEY, routes: [{ host: '*', path: '/' }] });
      await h.agent(b, handler, { name: 'on-b-1', key: TEST_KEY, routes: [{ host: '*', path: '/' }, { host: 'b-only.example', path: '/' }] });
      await h.agent(b, handler, { name: 'on-b-2', key: TEST_KEY, routes: [{ host: '*', path: '/' }] });

      browser = await launchChromium();
      const { page } = browser;
      await page.goto(`${a.url}/_harp/`);
      const section = byTestId(page, 'cluster');
      await section.waitFor(WAIT);
      // B's routes arrive through the directory, then the next fetch of the node list.
      await byTestId(page, 'cluster-route').filter({ hasText: 'b-only.example' }).waitFor(WAIT);
      await page.locator('[data-testid="cluster-node"][data-id="node-b"] [data-testid="cluster-node-agents"]').filter({ hasText: /^2$/ }).waitFor(WAIT);

      expect(await byTestId(page, 'cluster-status').textContent()).toBe('2 nodes · directory reachable');
      expect(await byTestId(page, 'cluster-node-id').allTextContents()).toEqual(['node-a this node', 'node-b']);
      const self = page.locator('[data-testid="cluster-node"][data-self="true"]');
      expect(await self.getAttribute('data-id')).toBe('node-a');
      expect(await self.locator('[data-testid="cluster-node-state"]').textContent()).toBe('healthy');
      const other = page.locator('[data-testid="cluster-node"][data-id="node-b"]');
      expect(await other.locator('[data-testid="cluster-node-agents"]').textContent()).toBe('2');
      expect(await other.locator('td').nth(1).textContent()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await other.locator('td').nth(4).textContent()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);

      const holders = (route: string) =>
        page.locator(`[data-testid="cluster-route"][data-route="${route}"] [data-testid="cluster-route-holder"]`).allTextContents();
      expect(await holders('*/')).toEqual(['node-a ×1 (this node)', 'node-b ×2']);
      expect(await holders('b-only.example/')).toEqual(['node-b ×1']);
      expect(browser.errors).toEqual([]);
    });
  });
});
