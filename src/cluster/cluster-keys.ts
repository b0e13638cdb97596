/**
 * Every Redis key and channel of cluster mode, built from the configured `redisPrefix`, so that
 * the layout lives in one place. docs/cluster.md has the same table ("Key layout"), which
 * `cluster-keys.spec.ts` holds to this file.
 *
 * Route ids (`host` + `path`, both normalized) go into keys as they are: a host pattern holds
 * no `/` and a prefix starts with one, so the pair is unambiguous.
 */
export interface ClusterKeys {
  /** SET of the ids of nodes that joined; a member whose node key expired is pruned on resync. */
  readonly nodes: string;
  /** STRING: a node's record (JSON), with a TTL of three heartbeats. */
  node(nodeId: string): string;
  /** HASH: route id → route entry (JSON) of the routes a node serves, with the node's TTL. */
  nodeRoutes(nodeId: string): string;
  /** STRING: the key id owning a route across the cluster; TTL three heartbeats + the grace. */
  owner(routeId: string): string;
  /** STRING: the key id holding a subdomain, across the cluster; TTL the name's hold. */
  subdomain(name: string): string;
  /** Pub/sub channel of directory changes. */
  readonly channel: string;
  /** Where the shared HTTP cache keeps its entries (`cache/`, not the directory). */
  readonly cache: string;
}

/** The layout under `prefix` (config `redisPrefix`, `harp:` by default). */
export function clusterKeys(prefix: string): ClusterKeys {
  return {
    nodes: `${prefix}nodes`,
    node: (nodeId) => `${prefix}node:${nodeId}`,
    nodeRoutes: (nodeId) => `${prefix}node:${nodeId}:routes`,
    owner: (routeId) => `${prefix}owner:${routeId}`,
    subdomain: (name) => `${prefix}subdomain:${name}`,
    channel: `${prefix}directory`,
    cache: `${prefix}cache:`,
  };
}

/** The id of a route in keys, messages and the mirror: its host pattern and prefix together. */
export function routeId(route: { readonly host: string; readonly path: string }): string {
  return `${route.host}${route.path}`;
}
