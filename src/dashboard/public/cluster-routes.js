// Which nodes hold members of each route, from the node list of GET /_harp/api/nodes. No DOM:
// unit-tested in src/dashboard/cluster-routes.spec.ts.

/**
 * One row per route (host and path) that any node has members of, ordered by host then path:
 * the nodes holding members (this node first, then by id) and the owner keys they registered
 * it with. More than one key is a conflict the directory's claim has not settled (a route
 * registered on two nodes while they could not see each other).
 */
export function routeHolders(nodes) {
  const byRoute = new Map();
  for (const node of nodes) {
    for (const route of node.routes) {
      const id = `${route.host}${route.path}`;
      let row = byRoute.get(id);
      if (row === undefined) {
        row = { host: route.host, path: route.path, ownerKeyIds: [], holders: [] };
        byRoute.set(id, row);
      }
      if (!row.ownerKeyIds.includes(route.ownerKeyId)) row.ownerKeyIds.push(route.ownerKeyId);
      row.holders.push({ nodeId: node.id, self: node.self, members: route.members });
    }
  }
  const rows = [...byRoute.values()];
  for (const row of rows) row.holders.sort((a, b) => Number(b.self) - Number(a.self) || compare(a.nodeId, b.nodeId));
  return rows.sort((a, b) => compare(a.host, b.host) || compare(a.path, b.path));
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
