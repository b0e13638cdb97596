import type { HarpConfigInput } from '../../src/config/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { eventually } from './eventually.js';
import type { Harness } from './harness.js';
import { send } from './http-client.js';
import { startProxyProcess, type ProxyProcess } from './proxy-process.js';
import { TEST_REDIS_URL, type RedisScratch } from './redis.js';

/** The secret every test cluster shares. */
export const CLUSTER_SECRET = 'cluster-secret-for-tests-0123';

/** A node of a test cluster as `GET /_harp/api/nodes` shows it. */
export interface NodeEntry {
  id: string;
  self: boolean;
  url: string | null;
  routes: Array<{ host: string; path: string }>;
}

/** Starts cluster nodes in this process, in the scratch prefix of the running test. */
export function clusterNodes(h: Harness, scratch: RedisScratch, heartbeatMs = 100) {
  return (nodeId: string, overrides: Partial<HarpConfigInput> = {}): Promise<HarpServer> =>
    h.proxy({ clusterSecret: CLUSTER_SECRET, redisUrl: TEST_REDIS_URL, redisPrefix: scratch.prefix, nodeId, clusterHeartbeatMs: heartbeatMs, ...overrides });
}

/** The environment of a cluster node in a child process (`startProxyProcess`). */
export function clusterEnv(scratch: RedisScratch, nodeId: string, heartbeatMs = 100): Record<string, string> {
  return {
    HARP_CLUSTER_SECRET: CLUSTER_SECRET,
    HARP_REDIS_URL: TEST_REDIS_URL,
    HARP_REDIS_PREFIX: scratch.prefix,
    HARP_NODE_ID: nodeId,
    HARP_CLUSTER_HEARTBEAT_MS: String(heartbeatMs),
    HARP_CLUSTER_HOST: '127.0.0.1',
  };
}

/** Cluster nodes in child processes of their own, and the way to end them all. */
export interface ClusterChildren {
  /** Starts node `nodeId` with `clusterEnv`; resolves once it listens. */
  start(nodeId: string): Promise<ProxyProcess>;
  /** Kills (SIGKILL) every node started so far: for afterEach, whatever a test did to them. */
  killAll(): void;
}

/** Starts cluster nodes in child processes (`startProxyProcess`), in the scratch prefix of the running test. */
export function clusterChildren(scratch: RedisScratch, heartbeatMs = 100): ClusterChildren {
  const started: ProxyProcess[] = [];
  return {
    async start(nodeId) {
      const node = await startProxyProcess(clusterEnv(scratch, nodeId, heartbeatMs));
      started.push(node);
      return node;
    },
    killAll() {
      for (const node of started.splice(0)) node.child.kill('SIGKILL');
    },
  };
}

/** The nodes of the cluster as the node at `url` sees them. */
export async function nodesSeenBy(url: string): Promise<NodeEntry[]> {
  return (JSON.parse((await send(`${url}/_harp/api/nodes`)).body.toString()) as { nodes: NodeEntry[] }).nodes;
}

/** The ids of the `nodes` that serve `host` + `path`, sorted. */
export function holdersIn(nodes: readonly NodeEntry[], host: string, path: string): string[] {
  return nodes.filter((n) => n.routes.some((r) => r.host === host && r.path === path)).map((n) => n.id).sort();
}

/** The ids of the nodes that the node at `url` sees serving `host` + `path`, sorted. */
export async function holdersSeenBy(url: string, host: string, path: string): Promise<string[]> {
  return holdersIn(await nodesSeenBy(url), host, path);
}

/** Waits until `from` (a node's public URL) sees exactly `nodeIds` serving `host` + `path`. */
export async function untilHolders(from: string, host: string, path: string, nodeIds: readonly string[], ms = 10_000): Promise<void> {
  const want = [...nodeIds].sort().join();
  await eventually(async () => (await holdersSeenBy(from, host, path)).join() === want, ms, `${from} to see ${host}${path} on [${want}]`);
}

/** A node's own internal listener URL, from its `GET /_harp/api/nodes`. */
export async function internalUrlOf(node: HarpServer): Promise<string> {
  return (await nodesSeenBy(node.url)).find((n) => n.self)!.url!;
}
