import { connect } from '../../src/agent/connect.js';
import { clusterChildren, clusterNodes, holdersIn, nodesSeenBy } from '../helpers/cluster.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import type { ProxyProcess } from '../helpers/proxy-process.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';
import { SteadyLoad } from '../helpers/steady-load.js';
import { note } from '../helpers/report.js';
import { tcpBalancer } from '../helpers/tcp-balancer.js';

// docs/cluster.md, "Failure modes and healing times": three nodes behind a layer-4 balancer, one
// agent that reaches the cluster only through it and lands on B. B goes away (kill -9, or a
// graceful stop); the agent reconnects through the balancer to another node and registers there,
// while A and C hold the requests that arrive meanwhile in the route's grace. No request fails.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const HEARTBEAT_MS = 300;
/** The agent's reconnect backoff: its first retry comes within 1.5 × the initial delay. */
const RECONNECT = { initialDelayMs: 100, maxDelayMs: 300 };
/** What a loaded test machine adds to every bound below (processes started at once, two cores). */
const SLACK_MS = 700;

describeRedis('a node leaving while its agent moves to another through the load balancer', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-handover');
  const children = clusterChildren(scratch, HEARTBEAT_MS);
  afterEach(async () => {
    children.killAll();
    await h.closeAll();
  });

  const child = (nodeId: string): Promise<ProxyProcess> => children.start(nodeId);

  /** The ids of the nodes that `url`'s directory shows, and of those serving `*` + `/`. */
  async function directory(url: string): Promise<{ nodes: string[]; holders: string[] }> {
    const nodes = await nodesSeenBy(url);
    return { nodes: nodes.map((n) => n.id).sort(), holders: holdersIn(nodes, '*', '/') };
  }

  /** A, B, C, the balancer in front of their public ports (B first), and the agent on B. */
  async function cluster() {
    const [a, b, c] = await Promise.all([
      clusterNodes(h, scratch, HEARTBEAT_MS)('node-a'),
      child('node-b'),
      child('node-c'),
    ]);
    const portOf = (url: string) => ({ host: '127.0.0.1', port: Number(new URL(url).port) });
    const balancer = await tcpBalancer([portOf(b.url), portOf(a.url), portOf(c.url)]);
    h.defer(() => balancer.close());
    const agent = await connect({
      server: balancer.url,
      key: TEST_KEY,
      handler: (req, res) => setTimeout(() => res.end(`ok ${req.url}`), 5),
      reconnect: RECONNECT,
    });
    h.defer(() => agent.close(100));
    expect(balancer.landed.map((t) => t.port)).toEqual([portOf(b.url).port]);
    for (const node of [a, c]) {
      await eventually(async () => (await directory(node.url)).holders.join() === 'node-b', 10_000, 'the route seen on B');
    }
    const loads = [new SteadyLoad(`${a.url}/move`, 4, 'ok /move'), new SteadyLoad(`${c.url}/move`, 4, 'ok /move')];
    return { a, b, c, balancer, loads };
  }

  /** Resolves, with its id, once every one of `urls` lists the route on one node other than B. */
  async function healed(urls: readonly string[]): Promise<string> {
    let holder = '';
    await eventually(
      async () => {
        const seen = await Promise.all(urls.map(async (url) => (await directory(url)).holders.filter((id) => id !== 'node-b')));
        holder = seen[0]!.join();
        return seen.every((live) => live.length === 1 && live.join() === holder);
      },
      10_000,
      'the route on another node',
    );
    return holder;
  }

  const report = (load: SteadyLoad) => `${load.ok} ok, ${load.failures.length} failed: ${JSON.stringify(load.failures.slice(0, 5))}`;

  /** Waits until the node at `url` (`name` in the message) no longer lists B. */
  const bGoneFrom = (url: string, name: string): Promise<void> =>
    eventually(async () => (await directory(url)).nodes.join() === 'node-a,node-c', 10_000, `B to leave ${name}'s directory`);

  /** Every load ran on (more than 50 requests) and none of its requests failed. */
  function expectEveryRequestServed(loads: readonly SteadyLoad[]): void {
    for (const load of loads) expect(report(load)).toBe(`${load.ok} ok, 0 failed: []`);
    for (const load of loads) expect(load.ok).toBeGreaterThan(50);
  }

  it('kill -9 of B: the agent moves through the balancer, no request to A or C fails', async () => {
    const { a, b, c, loads } = await cluster();
    await sleep(500);
    b.child.kill('SIGKILL');
    const killedAt = performance.now();
    const holder = await healed([a.url, c.url]);
    const routeHealedMs = performance.now() - killedAt;
    await bGoneFrom(a.url, 'A');
    await bGoneFrom(c.url, 'C');
    const goneMs = performance.now() - killedAt;
    await sleep(500);
    await Promise.all(loads.map((load) => load.stop()));

    expectEveryRequestServed(loads);
    expect(['node-a', 'node-c']).toContain(holder);
    // The route: the agent's reconnect (its delay, then the balancer skips B) and one message.
    // B itself: three missed heartbeats and the pruning tick.
    expect(routeHealedMs).toBeLessThan(3 * HEARTBEAT_MS + RECONNECT.maxDelayMs + SLACK_MS);
    expect(goneMs).toBeLessThan(4 * HEARTBEAT_MS + SLACK_MS);
    note(`kill -9: route healed in ${Math.round(routeHealedMs)} ms on ${holder}, B gone in ${Math.round(goneMs)} ms; ${loads.map((l) => l.ok).join('+')} requests`);
  }, 60_000);

  it('a graceful stop of B hands its agent over through the balancer, no request fails', async () => {
    const { a, b, c, loads } = await cluster();
    await sleep(500);
    b.child.kill('SIGTERM');
    const stoppedAt = performance.now();
    const holder = await healed([a.url, c.url]);
    const routeHealedMs = performance.now() - stoppedAt;
    expect(await b.exited).toEqual({ code: 0, signal: null });
    await bGoneFrom(a.url, 'A');
    const goneMs = performance.now() - stoppedAt;
    await sleep(500);
    await Promise.all(loads.map((load) => load.stop()));

    expectEveryRequestServed(loads);
    expect(['node-a', 'node-c']).toContain(holder);
    // goaway: the agent opens its new connection at once, without a reconnect delay.
    expect(routeHealedMs).toBeLessThan(HEARTBEAT_MS + SLACK_MS);
    note(`SIGTERM: route healed in ${Math.round(routeHealedMs)} ms on ${holder}, B gone in ${Math.round(goneMs)} ms; ${loads.map((l) => l.ok).join('+')} requests`);
  }, 60_000);
});
