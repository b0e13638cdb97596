import { connect, startAgent } from '../../src/agent/connect.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { redisServerAvailableOrFail, startOwnRedis, type OwnRedis } from '../helpers/redis.js';
import { SteadyLoad } from '../helpers/steady-load.js';
import { tcpRelay } from '../helpers/tcp-relay.js';

// docs/cluster.md, "While Redis is away": a Redis of the test's own is killed and started again
// (empty: no persistence) while clients ask both nodes for a route whose agent is on node B.
// No request fails; readiness says the cluster is down meanwhile; afterwards the directory is
// whole again, including an agent that registered on node A while Redis was away. Node B reaches
// Redis through a relay that comes back only once A has resynced: nodes reconnect apart (their
// backoffs run up to 2 s apart), and A must not drop B while the restarted Redis lacks B's keys.

const describeOwnRedis = redisServerAvailableOrFail() ? describe : describe.skip;
const SECRET = 'cluster-secret-for-tests-0123';
const HEARTBEAT_MS = 200;

interface NodesBody {
  healthy: boolean;
  nodes: Array<{ id: string; routes: Array<{ host: string; path: string }> }>;
}

async function nodesOf(proxy: HarpServer): Promise<NodesBody> {
  return JSON.parse((await send(`${proxy.url}/_harp/api/nodes`)).body.toString()) as NodesBody;
}

/** Whether `proxy` lists `nodeId` holding a route on `host`. */
async function lists(proxy: HarpServer, nodeId: string, host: string): Promise<boolean> {
  return (await nodesOf(proxy)).nodes.some((n) => n.id === nodeId && n.routes.some((r) => r.host === host));
}

async function readiness(proxy: HarpServer): Promise<{ status: number; body: { status: string; details: Record<string, { status: string }> } }> {
  const res = await send(`${proxy.url}/_harp/readyz`);
  return { status: res.status, body: JSON.parse(res.body.toString()) };
}

describeOwnRedis('a Redis restart under load', () => {
  const h = new Harness();
  let redis: OwnRedis | undefined;
  afterEach(async () => {
    await h.closeAll();
    await redis?.stop();
    redis = undefined;
  });

  it('loses no request to a route whose agent is connected, and the directory is whole again after', async () => {
    redis = await startOwnRedis();
    const own = redis;
    const relay = await tcpRelay({ host: '127.0.0.1', port: own.port });
    h.defer(() => relay.close());
    const node = (nodeId: string, redisUrl: string) =>
      h.proxy({ clusterSecret: SECRET, redisUrl, nodeId, clusterHeartbeatMs: HEARTBEAT_MS, clusterHost: '127.0.0.1' });
    const a = await node('node-a', own.url);
    const b = await node('node-b', relay.url);
    const agent = await connect({
      server: b.url,
      key: TEST_KEY,
      handler: (req, res) => setTimeout(() => res.end(`ok ${req.url}`), 2),
      reconnect: false,
    });
    h.defer(() => agent.close(100));
    await eventually(() => lists(a, 'node-b', '*'), 5000, "A to see B's route");

    const loads = [new SteadyLoad(`${a.url}/held`, 4, 'ok /held'), new SteadyLoad(`${b.url}/held`, 4, 'ok /held')];
    h.defer(() => Promise.all(loads.map((load) => load.stop())));
    await sleep(300);

    await relay.cut();
    await own.stop();
    const stoppedAt = performance.now();
    for (const proxy of [a, b]) {
      await eventually(async () => (await readiness(proxy)).body.details.cluster?.status === 'degraded', 5000, 'readiness to report the outage');
      const ready = await readiness(proxy);
      expect([ready.status, ready.body.status]).toEqual([200, 'degraded']);
      expect((await send(`${proxy.url}/_harp/healthz`)).status).toBe(200);
    }
    expect((await nodesOf(a)).healthy).toBe(false);

    // A new agent while Redis is away: registered and served at once, published later.
    const late = await startAgent({ server: a.url, key: TEST_KEY, handler: (_req, res) => res.end('late'), routes: [{ host: 'late.example', path: '/' }], reconnect: false });
    h.defer(() => late.agent.close(100));
    expect((await late.ready).accepted).toHaveLength(1);
    const lateOnA = await send(`${a.url}/`, { headers: { host: 'late.example' } });
    expect([lateOnA.status, lateOnA.body.toString()]).toEqual([200, 'late']);
    // Ten heartbeats: longer than the nodes' keys live, and long enough for the nodes' reconnect
    // backoffs (100 ms doubling to 2 s) to run apart.
    await sleep(HEARTBEAT_MS * 10);
    expect(await lists(a, 'node-b', '*')).toBe(true);

    await own.start();
    const outageMs = performance.now() - stoppedAt;
    const backAt = performance.now();
    await eventually(async () => (await readiness(a)).body.status === 'ok', 10_000, 'readiness ok again on A');
    // A has read the restarted, empty directory; B comes back within its next backoff.
    expect(await lists(a, 'node-b', '*')).toBe(true);
    await relay.restore();
    await eventually(async () => (await readiness(b)).body.status === 'ok', 10_000, 'readiness ok again on B');
    await eventually(async () => (await lists(a, 'node-b', '*')) && (await lists(b, 'node-a', 'late.example')), 5000, 'the directory whole again');
    const wholeMs = performance.now() - backAt;
    const lateOnB = await send(`${b.url}/`, { headers: { host: 'late.example' } });
    expect([lateOnB.status, lateOnB.body.toString()]).toEqual([200, 'late']);
    await sleep(500);
    await Promise.all(loads.map((load) => load.stop()));

    for (const [name, load] of [['A', loads[0]!], ['B', loads[1]!]] as const) {
      expect(`${name}: ${load.failures.length} failed: ${JSON.stringify(load.failures.slice(0, 5))}`).toBe(`${name}: 0 failed: []`);
      expect(load.ok).toBeGreaterThan(50);
    }
    console.log(
      `Redis restart: outage ${Math.round(outageMs)} ms, directory whole ${Math.round(wholeMs)} ms after it was back; ` +
        `${loads[0]!.ok} requests through A (forwarded to B), ${loads[1]!.ok} through B, none failed`,
    );
  }, 60_000);
});
