import { connect } from '../../src/agent/connect.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { clusterChildren, clusterNodes, holdersSeenBy } from '../helpers/cluster.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import type { ProxyProcess } from '../helpers/proxy-process.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';
import { SteadyLoad } from '../helpers/steady-load.js';

// docs/cluster.md, "Failure modes and healing times": three nodes, an agent connected to B and
// C; B is killed with SIGKILL while clients keep asking A. A forwards to the nodes that hold the
// route, skips the one that is gone, and no request fails.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const HEARTBEAT_MS = 200;

describeRedis('a cluster node killed under load', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-healing');
  const children = clusterChildren(scratch, HEARTBEAT_MS);
  afterEach(async () => {
    children.killAll();
    await h.closeAll();
  });

  const child = (nodeId: string): Promise<ProxyProcess> => children.start(nodeId);
  /** Node A, in this process: the one clients talk to. */
  const nodeA = (): Promise<HarpServer> => clusterNodes(h, scratch, HEARTBEAT_MS)('node-a');
  /** The nodes that A's directory shows serving `*` + `/`. */
  const holders = (url: string): Promise<string[]> => holdersSeenBy(url, '*', '/');

  it('requests to A keep succeeding when B dies; B leaves the directory within three heartbeats', async () => {
    const a = await nodeA();
    const [b, c] = await Promise.all([child('node-b'), child('node-c')]);
    const agent = await connect({
      server: [b.url, c.url],
      key: TEST_KEY,
      handler: (req, res) => setTimeout(() => res.end(`ok ${req.url}`), 5),
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    });
    h.defer(() => agent.close(100));
    await eventually(async () => (await holders(a.url)).join() === 'node-b,node-c', 10_000, 'A to see the route on B and C');

    const load = new SteadyLoad(`${a.url}/heal`, 8, 'ok /heal');
    await sleep(500);
    b.child.kill('SIGKILL');
    const killedAt = performance.now();
    await eventually(async () => (await holders(a.url)).join() === 'node-c', 5000, 'B to leave A\'s directory');
    const gone = performance.now() - killedAt;
    await sleep(500);
    await load.stop();

    expect(`${load.ok} ok, ${load.failures.length} failed: ${JSON.stringify(load.failures.slice(0, 5))}`).toBe(
      `${load.ok} ok, 0 failed: []`,
    );
    expect(load.ok).toBeGreaterThan(100);
    // Three missed heartbeats, plus one for the message that tells A.
    expect(gone).toBeLessThan(HEARTBEAT_MS * 4 + 500);
  }, 60_000);

  // Regression: a POST without a body that a node had already received was sent to the next
  // node when the first one died, so it could run twice.
  it('a POST in flight on a node that dies is not sent to another node', async () => {
    const a = await nodeA();
    const [b, c] = await Promise.all([child('node-b'), child('node-c')]);
    const seen: string[] = [];
    let arrived!: () => void;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    // Each proxy gets its own agent, so the test knows which node a request reached.
    for (const [node, name] of [[b, 'b'], [c, 'c']] as const) {
      const agent = await connect({
        server: node.url,
        key: TEST_KEY,
        handler: (req) => {
          seen.push(`${name} ${req.method} ${req.url}`);
          arrived(); // never answered: its node dies first
        },
        reconnect: false,
      });
      h.defer(() => agent.close(0));
    }
    await eventually(async () => (await holders(a.url)).join() === 'node-b,node-c', 10_000, 'A to see both nodes');

    const pending = send(`${a.url}/charge`, { method: 'POST' });
    await first;
    const reached = seen[0]!.startsWith('b') ? b : c;
    reached.child.kill('SIGKILL');
    const answer = await pending;
    expect([answer.status, answer.headers['x-harp-error']]).toEqual([502, 'agent_gone']);
    await sleep(300);
    expect(seen).toEqual([`${seen[0]!.slice(0, 1)} POST /charge`]);
  }, 60_000);
});
