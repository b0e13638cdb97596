// The cluster section: the nodes of the cluster and, for each route, the nodes that hold
// members of it, from GET /_harp/api/nodes. Hidden outside cluster mode.

import { clock, count, DASH, h, replaceChildren } from './dom.js';
import { routeHolders } from './cluster-routes.js';

export class ClusterView {
  /** Whether the last answer was from a node in cluster mode. */
  on = false;

  /** A `NodesDto`; outside cluster mode (`cluster: false`) the section stays hidden. */
  render(body) {
    const section = document.getElementById('cluster');
    this.on = body.cluster === true;
    section.hidden = !this.on;
    if (!this.on) return;
    section.dataset.healthy = String(body.healthy);
    const status = document.getElementById('cluster-status');
    const nodes = body.nodes.length === 1 ? '1 node' : `${count(body.nodes.length)} nodes`;
    status.textContent = body.healthy
      ? `${nodes} · directory reachable`
      : `${nodes} · Redis unreachable: this is what this node last knew`;
    status.classList.toggle('bad', !body.healthy);
    replaceChildren(document.getElementById('cluster-nodes-body'), body.nodes.map((node) => nodeRow(node, body.healthy)));
    replaceChildren(document.getElementById('cluster-routes-body'), routeHolders(body.nodes).map(routeRow));
    document.getElementById('cluster-routes-empty').hidden = body.nodes.some((node) => node.routes.length > 0);
  }

  /** Hides the section (a proxy whose API has no node list). */
  hide() {
    this.on = false;
    document.getElementById('cluster').hidden = true;
  }
}

function nodeRow(node, healthy) {
  return h(
    'tr',
    { dataset: { testid: 'cluster-node', id: node.id, self: node.self } },
    h(
      'td',
      { className: 'mono', dataset: { testid: 'cluster-node-id' } },
      node.id,
      node.self ? [' ', h('span', { className: 'badge self' }, 'this node')] : null,
    ),
    h('td', { className: 'mono' }, node.url ?? DASH),
    h('td', { className: 'num', dataset: { testid: 'cluster-node-agents' } }, count(node.agents)),
    h('td', { className: 'num' }, count(node.routes.length)),
    h('td', { className: 'mono', title: 'as the node stamped it (its own clock)' }, node.lastHeartbeat === null ? DASH : clock(node.lastHeartbeat)),
    h('td', { dataset: { testid: 'cluster-node-state' } }, stateBadge(node, healthy)),
  );
}

/**
 * This node knows its own state first-hand; another node is listed while its heartbeats arrive
 * (three missed and it is dropped), or, while Redis is away, as it was last heard.
 */
function stateBadge(node, healthy) {
  if (node.self) {
    return healthy
      ? h('span', { className: 'state health-healthy' }, 'healthy')
      : h(
          'span',
          { className: 'state health-ejected', title: 'serving its own agents and forwarding by the directory it last knew' },
          'cut off from Redis',
        );
  }
  return healthy
    ? h('span', { className: 'state health-healthy', title: 'heard within the last three heartbeats' }, 'heard')
    : h('span', { className: 'state health-half-open', title: 'last known before Redis went away' }, 'last known');
}

function routeRow(row) {
  const conflict = row.ownerKeyIds.length > 1;
  return h(
    'tr',
    { dataset: { testid: 'cluster-route', route: `${row.host}${row.path}` } },
    h('td', { className: 'mono' }, row.host),
    h('td', { className: 'mono' }, row.path),
    h(
      'td',
      { className: 'mono' },
      row.ownerKeyIds.join(', '),
      conflict ? h('span', { className: 'badge bad', title: 'registered with different keys on different nodes' }, 'conflict') : null,
    ),
    h(
      'td',
      { dataset: { testid: 'cluster-route-holders' } },
      row.holders.map((holder) =>
        h(
          'div',
          { className: 'nowrap mono', dataset: { testid: 'cluster-route-holder', node: holder.nodeId } },
          `${holder.nodeId} ×${holder.members}`,
          holder.self ? h('span', { className: 'muted' }, ' (this node)') : null,
        ),
      ),
    ),
  );
}
