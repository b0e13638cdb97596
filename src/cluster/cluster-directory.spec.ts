import { eventually, sleep } from '../../test/helpers/eventually.js';
import { redisAvailableOrFail, redisScratch, redisServerAvailableOrFail, startOwnRedis, TEST_REDIS_URL } from '../../test/helpers/redis.js';
import { tcpRelay } from '../../test/helpers/tcp-relay.js';
import { ClusterDirectory, type ClusterDirectoryOptions, type LocalRoute } from './cluster-directory.js';
import { clusterKeys } from './cluster-keys.js';
import { encodeMessage, type NodeState } from './cluster-model.js';
import { closedPort } from '../../test/helpers/ports.js';

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const itWithOwnRedis = redisServerAvailableOrFail() ? it : it.skip;

// Short, so that expiry is seen in a test's time; operations are still bounded at 500 ms.
const HEARTBEAT_MS = 100;

/** A node's local state that a test changes at will. */
function localState(routes: LocalRoute[] = [], agents = routes.length) {
  return { routes: () => routes, agents: () => agents, set: (next: LocalRoute[]) => routes.splice(0, routes.length, ...next) };
}

const route = (host: string, path: string, ownerKeyId: string, members = 1): LocalRoute => ({ host, path, ownerKeyId, members });

describeRedis('ClusterDirectory (real Redis)', () => {
  const scratch = redisScratch('cluster-directory');
  const opened: ClusterDirectory[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((directory) => directory.close()));
  });

  function node(
    nodeId: string,
    local = localState(),
    redisUrl = TEST_REDIS_URL,
    logger?: ClusterDirectoryOptions['logger'],
    url = `http://${nodeId}.internal:7000`,
  ): ClusterDirectory {
    const directory = new ClusterDirectory({
      logger,
      redisUrl,
      prefix: scratch.prefix,
      nodeId,
      url,
      heartbeatMs: HEARTBEAT_MS,
      routeGraceMs: 1000,
      local,
    });
    opened.push(directory);
    directory.start();
    return directory;
  }

  const ids = (directory: ClusterDirectory) => directory.nodes().map((n) => n.id);
  const remote = (directory: ClusterDirectory, id: string) => directory.nodes().find((n) => n.id === id && !n.self);

  it('two nodes see each other, their agents and their routes', async () => {
    const a = node('node-a', localState([route('api.example.com', '/', 'team-a', 2)], 2));
    const b = node('node-b', localState([route('*.example.com', '/v1', 'team-b')]));
    await eventually(() => ids(a).includes('node-b') && ids(b).includes('node-a'), 3000, 'both nodes listed');
    expect(ids(a)).toEqual(['node-a', 'node-b']);
    expect(a.nodes()[0]!.self).toBe(true);
    expect(remote(a, 'node-b')).toMatchObject({
      url: 'http://node-b.internal:7000',
      agents: 1,
      routes: [{ host: '*.example.com', path: '/v1', ownerKeyId: 'team-b', nodeId: 'node-b', members: 1 }],
    });
    expect(remote(b, 'node-a')).toMatchObject({ agents: 2, routes: [{ host: 'api.example.com', members: 2 }] });
    await eventually(() => a.healthy && b.healthy, 3000, 'both healthy');
  });

  it('a second node given the same id stays out of the directory, and its leaving leaves the first in', async () => {
    const keys = clusterKeys(scratch.prefix);
    const first = node('node-a', localState([route('a.example.com', '/', 'team-a')]));
    await eventually(() => first.healthy, 3000, 'the first node written');
    const warnings: string[] = [];
    const logger = { log: () => undefined, warn: (message: string) => void warnings.push(message) };
    const twin = node('node-a', localState([route('b.example.com', '/', 'team-b')]), TEST_REDIS_URL, logger, 'http://twin.internal:7000');
    await eventually(() => twin.idTakenBy !== undefined, 3000, 'the twin told its id is taken');
    expect(twin.idTakenBy).toBe('http://node-a.internal:7000');
    const observer = node('node-c');
    await eventually(() => remote(observer, 'node-a') !== undefined, 3000, 'node-a seen');
    await sleep(HEARTBEAT_MS * 4);
    // The first node's record and routes, never the twin's, however many heartbeats pass.
    expect(remote(observer, 'node-a')).toMatchObject({ url: 'http://node-a.internal:7000', routes: [{ host: 'a.example.com' }] });
    expect(await scratch.raw.hExists(keys.nodeRoutes('node-a'), 'b.example.com/')).toBe(0);
    expect(twin.healthy).toBe(false);
    expect(first.healthy).toBe(true);
    expect(warnings.filter((w) => w.includes('node id "node-a" is in use by the node at http://node-a.internal:7000'))).toHaveLength(1);
    await twin.close();
    expect(JSON.parse((await scratch.raw.get(keys.node('node-a'))) ?? '{}')).toMatchObject({ url: 'http://node-a.internal:7000' });
    await sleep(HEARTBEAT_MS * 4);
    expect(remote(observer, 'node-a')).toMatchObject({ url: 'http://node-a.internal:7000' });
  });

  it('a node started again at the same address takes its id back at once', async () => {
    const keys = clusterKeys(scratch.prefix);
    // The first process died without leaving: its record is still there, at this address.
    const dead = { id: 'node-a', url: 'http://node-a.internal:7000', startedAt: 1, heartbeatAt: Date.now(), agents: 0 };
    await scratch.raw.set(keys.node('node-a'), JSON.stringify(dead), { PX: 60_000 });
    const again = node('node-a', localState([route('a.example.com', '/', 'team-a')]));
    await eventually(() => again.healthy, 3000, 'written over its old record');
    expect(again.idTakenBy).toBeUndefined();
    expect(JSON.parse((await scratch.raw.get(keys.node('node-a'))) ?? '{}')).toMatchObject({ startedAt: again.startedAt });
  });

  it('sees a change of another node within a heartbeat', async () => {
    const local = localState();
    const a = node('node-a', local);
    const b = node('node-b');
    await eventually(() => remote(b, 'node-a') !== undefined);
    local.set([route('shop.example.com', '/', 'team-a')]);
    a.changed();
    const started = Date.now();
    await eventually(() => (remote(b, 'node-a')?.routes.length ?? 0) === 1, 3000, 'the new route seen');
    // Published on the change itself, not at the next heartbeat; generous for a loaded machine.
    expect(Date.now() - started).toBeLessThan(HEARTBEAT_MS * 5);
    expect(b.mirror.foreignOwner({ host: 'shop.example.com', path: '/' }, 'team-b')).toBe('team-a');
  });

  it('a node that stops heartbeating disappears within three heartbeats, from the mirror and from Redis', async () => {
    const a = node('node-a');
    await eventually(() => a.healthy);
    // A node that wrote its state once, then died without leaving.
    const keys = clusterKeys(scratch.prefix);
    const ghost: NodeState = {
      node: { id: 'ghost', url: 'http://ghost:7000', startedAt: 1, heartbeatAt: Date.now(), agents: 1 },
      routes: [{ host: 'h.example', path: '/', ownerKeyId: 'k', nodeId: 'ghost', members: 1 }],
    };
    await scratch.raw.set(keys.node('ghost'), JSON.stringify(ghost.node), { PX: 3 * HEARTBEAT_MS });
    await scratch.raw.sAdd(keys.nodes, 'ghost');
    await scratch.raw.publish(keys.channel, encodeMessage({ v: 1, type: 'state', state: ghost }));
    await eventually(() => remote(a, 'ghost') !== undefined, 3000, 'the ghost listed');
    const seen = Date.now();
    await eventually(() => remote(a, 'ghost') === undefined, 3000, 'the ghost gone');
    // Three heartbeats, plus one tick of the pruning timer, plus scheduling slack.
    expect(Date.now() - seen).toBeLessThan(3 * HEARTBEAT_MS + HEARTBEAT_MS + 400);
    expect(a.mirror.entriesFor({ host: 'h.example', path: '/' })).toEqual([]);
    expect(await scratch.raw.exists(keys.node('ghost'))).toBe(0);
  });

  it('a node that stops cleanly leaves at once', async () => {
    const a = node('node-a');
    const b = node('node-b');
    await eventually(() => remote(a, 'node-b') !== undefined);
    await b.close();
    await eventually(() => remote(a, 'node-b') === undefined, 1000, 'node-b gone');
    const keys = clusterKeys(scratch.prefix);
    expect(await scratch.raw.sIsMember(keys.nodes, 'node-b')).toBe(0);
    expect(await scratch.raw.exists(keys.node('node-b'))).toBe(0);
  });

  it('a node that connects reads the directory as it is, without waiting for messages', async () => {
    // A node written to Redis that publishes nothing (a long heartbeat): only a resync finds it.
    const keys = clusterKeys(scratch.prefix);
    const quiet = { id: 'quiet', url: 'http://quiet:7000', startedAt: 1, heartbeatAt: 2, agents: 1 };
    await scratch.raw.set(keys.node('quiet'), JSON.stringify(quiet), { PX: 60_000 });
    await scratch.raw.hSet(keys.nodeRoutes('quiet'), 'q.example/', JSON.stringify({ host: 'q.example', path: '/', ownerKeyId: 'k', nodeId: 'quiet', members: 3 }));
    await scratch.raw.sAdd(keys.nodes, ['quiet', 'expired-long-ago']);
    const late = node('node-late');
    await eventually(() => remote(late, 'quiet') !== undefined, 3000, 'the quiet node read on connect');
    expect(remote(late, 'quiet')!.routes).toEqual([{ host: 'q.example', path: '/', ownerKeyId: 'k', nodeId: 'quiet', members: 3 }]);
    expect(remote(late, 'expired-long-ago')).toBeUndefined();
    // What is left of a node whose keys expired is cleaned up on the way.
    await eventually(async () => (await scratch.raw.sIsMember(keys.nodes, 'expired-long-ago')) === 0);
  });

  describe('route ownership', () => {
    it('refuses a second key across nodes, and lets the owner refresh it', async () => {
      const a = node('node-a');
      const b = node('node-b');
      await eventually(() => a.healthy && b.healthy);
      const shop = { host: 'shop.example.com', path: '/' };
      expect(await a.claim(shop, 'team-a')).toEqual({ granted: true, owner: 'team-a', write: 'create' });
      expect(await b.claim(shop, 'team-b')).toEqual({ granted: false, owner: 'team-a', write: 'none' });
      expect(await b.claim(shop, 'team-a')).toEqual({ granted: true, owner: 'team-a', write: 'refresh' });
      const ttl = await scratch.raw.pTTL(clusterKeys(scratch.prefix).owner('shop.example.com/'));
      // Three heartbeats plus the route grace (1000 ms in these tests).
      expect(ttl).toBeGreaterThan(1000);
      expect(ttl).toBeLessThanOrEqual(3 * HEARTBEAT_MS + 1000);
    });

    it('gives a route to exactly one key when nodes claim it at once', async () => {
      const a = node('node-a');
      const b = node('node-b');
      await eventually(() => a.healthy && b.healthy);
      const race = { host: 'race.example.com', path: '/' };
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).claim(race, `key-${i % 4}`)),
      );
      const winners = new Set(outcomes.filter((o) => o.granted).map((o) => o.owner));
      expect(winners.size).toBe(1);
      expect(new Set(outcomes.map((o) => o.owner))).toEqual(winners);
    });

    it('does not publish a node\'s members of a route another key owns, and says so', async () => {
      const a = node('node-a', localState([route('shop.example.com', '/', 'team-a')]));
      await eventually(() => a.healthy);
      const b = node('node-b', localState([route('shop.example.com', '/', 'team-b'), route('b.example', '/', 'team-b')]));
      const refused = new Promise<[LocalRoute, string]>((resolve) => b.events.once('refused', (r, owner) => resolve([r, owner])));
      expect(await refused).toEqual([route('shop.example.com', '/', 'team-b'), 'team-a']);
      await eventually(() => remote(a, 'node-b')?.routes.length === 1, 3000, 'node-b listed with its own route');
      expect(remote(a, 'node-b')!.routes.map((r) => r.host)).toEqual(['b.example']);
      expect(a.mirror.entriesFor({ host: 'shop.example.com', path: '/' })).toEqual([]);
    });
  });

  it('reports a refused route at every write while the node still has members of it, and logs it once', async () => {
    const a = node('node-a', localState([route('shop.example.com', '/', 'team-a')]));
    await eventually(() => a.healthy);
    const warnings: string[] = [];
    const b = node('node-b', localState([route('shop.example.com', '/', 'team-b')]), TEST_REDIS_URL, { log: () => undefined, warn: (m) => warnings.push(m) });
    let refusals = 0;
    b.events.on('refused', () => refusals++);
    // A route withdrawn and registered again before the next write must be withdrawn again.
    await eventually(() => refusals >= 3, 3000, 'three refusals');
    expect(warnings.filter((w) => w.includes('shop.example.com/'))).toHaveLength(1);
  });

  describe('Redis outage', () => {
    it('starts and serves what it knows with Redis unreachable', async () => {
      const closed = await closedPort();
      const a = node('node-a', localState([route('a.example', '/', 'k')]), `redis://127.0.0.1:${closed}`);
      await sleep(HEARTBEAT_MS * 3);
      expect(a.healthy).toBe(false);
      expect(a.nodes()).toEqual([expect.objectContaining({ id: 'node-a', self: true, routes: [expect.objectContaining({ host: 'a.example' })] })]);
      await expect(a.claim({ host: 'a.example', path: '/' }, 'k')).rejects.toThrow();
    });

    it('keeps its mirror through an outage and publishes the changes it queued once Redis is back', async () => {
      const relay = await tcpRelay(redisTarget());
      try {
        const local = localState([route('before.example', '/', 'k')]);
        const a = node('node-a', local, relay.url);
        const b = node('node-b', localState([route('b.example', '/', 'k')]));
        await eventually(() => remote(a, 'node-b') !== undefined && remote(b, 'node-a') !== undefined && a.healthy);

        await relay.cut();
        await eventually(() => !a.healthy, 3000, 'the outage noticed');
        local.set([route('after.example', '/', 'k'), route('also.example', '/', 'k')]);
        a.changed();
        // Longer than node-a's keys live: node-b forgets it; node-a, which cannot hear, keeps node-b.
        await sleep(HEARTBEAT_MS * 6);
        expect(remote(a, 'node-b')).toBeDefined();
        expect(remote(b, 'node-a')).toBeUndefined();

        await relay.restore();
        await eventually(() => a.healthy, 5000, 'node-a reconnected');
        await eventually(() => remote(b, 'node-a')?.routes.length === 2, 3000, 'the queued change published');
        expect(remote(b, 'node-a')!.routes.map((r) => r.host).sort()).toEqual(['after.example', 'also.example']);
      } finally {
        await relay.close();
      }
    });

    // Regression: a restarted Redis is empty, and the resync replaced the mirror with that empty
    // read, so this node forgot every other node (and stopped forwarding to them) until each wrote
    // again, which a node whose reconnect backoff runs later does up to two seconds after.
    itWithOwnRedis('keeps the nodes it knew through a Redis restart until they write again', async () => {
      const own = await startOwnRedis();
      const relay = await tcpRelay({ host: '127.0.0.1', port: own.port });
      try {
        const a = node('node-a', localState([route('a.example', '/', 'k')]), own.url);
        // node-b reaches Redis through a relay, so that it stays away after the restart.
        const b = node('node-b', localState([route('b.example', '/', 'k')]), relay.url);
        await eventually(() => remote(a, 'node-b') !== undefined && remote(b, 'node-a') !== undefined && a.healthy);

        await relay.cut();
        await own.stop();
        await eventually(() => !a.healthy, 3000, 'the outage noticed');
        await own.start();
        await eventually(() => a.healthy, 5000, 'node-a back, with the empty directory read');
        expect(remote(a, 'node-b')?.routes).toEqual([expect.objectContaining({ host: 'b.example', nodeId: 'node-b' })]);

        await relay.restore();
        await eventually(() => b.healthy && remote(b, 'node-a') !== undefined, 5000, 'node-b back');
        await eventually(() => remote(a, 'node-b')?.routes.length === 1, 3000, 'node-b heard by node-a again');
      } finally {
        await relay.close();
        await own.stop();
      }
    });
  });
});

function redisTarget(): { host: string; port: number } {
  const url = new URL(TEST_REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

