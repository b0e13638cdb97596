import { ClusterNode } from '../cluster/index.js';
import { runProxy } from './run-proxy.js';
import { followPrimary } from './worker-link.js';

/**
 * One worker of `harp serve --workers N` (docs/cluster.md, "Workers"): the proxy without its
 * banner (the primary prints one for all, with the key it may have generated), then the link to
 * the primary, told the public ports and the port this node's internal listener bound.
 */
export async function runWorker(env: NodeJS.ProcessEnv): Promise<void> {
  const server = await runProxy({ env, banner: false });
  const self = server.app.get(ClusterNode, { strict: false })?.nodes().find((node) => node.self);
  const clusterPort = self?.url ? Number(new URL(self.url).port) || undefined : undefined;
  followPrimary({ port: server.port, tlsPort: server.tlsPort, clusterPort });
}
