import type { DirectoryMessage, NodeState } from './cluster-model.js';
import { DirectoryMirror } from './directory-mirror.js';

// The mirror's part of the route grace across nodes (docs/cluster.md, "Route grace across nodes"):
// routes no other node can take any more are matched as vacant; failed nodes are skipped.

function state(id: string, routes: Array<[host: string, path: string]> = []): NodeState {
  return {
    node: { id, url: `http://${id}:7000`, startedAt: 1, heartbeatAt: 2, agents: routes.length },
    routes: routes.map(([host, path]) => ({ host, path, ownerKeyId: 'k', nodeId: id, members: 1 })),
  };
}
const msg = (s: NodeState): DirectoryMessage => ({ v: 1, type: 'state', state: s });
const leave = (nodeId: string): DirectoryMessage => ({ v: 1, type: 'leave', nodeId });
const GRACE = { graceMs: 1000, coolOffMs: 600 };
const vacant = (host: string, path: string, until: number) => ({ route: { host, path }, nodes: [], vacantUntil: until });

/** Ways a route served by node b alone stops being served, at t = 100. */
const VACATING: Array<[what: string, vacate: (mirror: DirectoryMirror) => unknown]> = [
  ['its node leaves', (m) => m.apply(leave('b'), 100)],
  ['its node stops listing it', (m) => m.apply(msg(state('b')), 100)],
  ['its node misses three heartbeats', (m) => m.prune(100, 30)],
  ['its node failed a request', (m) => m.failed('b', undefined, 100)],
  ['its node has no member of it any more', (m) => m.failed('b', { host: 'h', path: '/' }, 100)],
];

describe('DirectoryMirror: routes vacant in the cluster', () => {
  it.each(VACATING)('matches a route as vacant for its grace when %s', (_what, vacate) => {
    // A cool-off longer than the grace, so that a failed node is still skipped when it ends.
    const mirror = new DirectoryMirror('self', { graceMs: 1000, coolOffMs: 5000 });
    mirror.apply(msg(state('b', [['h', '/']])), 0);
    vacate(mirror);
    expect(mirror.match('h', '/x', 100)).toEqual(vacant('h', '/', 1100));
    expect(mirror.match('h', '/x', 1100)).toBeUndefined();
  });

  it('keeps nothing vacant without a grace, nor while another node serves the route', () => {
    const none = new DirectoryMirror('self');
    none.apply(msg(state('b', [['h', '/']])), 0);
    none.apply(leave('b'), 1);
    expect(none.match('h', '/', 2)).toBeUndefined();
    const mirror = new DirectoryMirror('self', GRACE);
    mirror.apply(msg(state('b', [['h', '/']])), 0);
    mirror.apply(msg(state('c', [['h', '/']])), 0);
    mirror.apply(leave('b'), 1);
    expect(mirror.match('h', '/', 2)?.nodes.map((n) => n.nodeId)).toEqual(['c']);
  });

  it('takes part in the precedence: a vacant specific route wins over a served general one', () => {
    const mirror = new DirectoryMirror('self', GRACE);
    mirror.apply(msg(state('b', [['h', '/api']])), 0);
    mirror.apply(msg(state('c', [['h', '/']])), 0);
    mirror.apply(leave('b'), 10);
    expect(mirror.match('h', '/api/users', 20)).toEqual(vacant('h', '/api', 1010));
    expect(mirror.match('h', '/other', 20)?.route).toEqual({ host: 'h', path: '/' });
  });

  it('tells when a vacant route is served again, by any node', () => {
    const returned: string[] = [];
    const mirror = new DirectoryMirror('self', GRACE);
    mirror.onReturned = (routes) => returned.push(...routes.map((r) => `${r.host}${r.path}`));
    mirror.apply(msg(state('b', [['h', '/']])), 0);
    mirror.apply(leave('b'), 10);
    expect(returned).toEqual([]);
    mirror.apply(msg(state('c', [['h', '/']])), 20);
    expect(returned).toEqual(['h/']);
    expect(mirror.match('h', '/', 30)?.nodes.map((n) => n.nodeId)).toEqual(['c']);
  });
});

describe('DirectoryMirror: failed nodes', () => {
  it('skips a failed node for every route until it is heard from again', () => {
    const mirror = new DirectoryMirror('self', GRACE);
    mirror.apply(msg(state('b', [['h', '/'], ['g', '/']])), 0);
    mirror.apply(msg(state('c', [['h', '/']])), 0);
    mirror.failed('b', undefined, 10);
    expect(mirror.match('h', '/', 20)?.nodes.map((n) => n.nodeId)).toEqual(['c']);
    expect(mirror.match('g', '/', 20)?.nodes).toEqual([]);
    // Still listed: the directory is what the nodes say, not what requests found.
    expect(mirror.nodes().map((n) => n.node.id)).toEqual(['b', 'c']);
    mirror.apply(msg(state('b', [['h', '/'], ['g', '/']])), 30);
    expect(mirror.match('h', '/', 40)?.nodes.map((n) => n.nodeId).sort()).toEqual(['b', 'c']);
  });

  it('skips a node that has no member of a route for that route alone', () => {
    const mirror = new DirectoryMirror('self', GRACE);
    mirror.apply(msg(state('b', [['h', '/'], ['g', '/']])), 0);
    mirror.failed('b', { host: 'h', path: '/' }, 10);
    expect(mirror.match('h', '/', 20)?.nodes).toEqual([]);
    expect(mirror.match('g', '/', 20)?.nodes.map((n) => n.nodeId)).toEqual(['b']);
  });

  it('tries a failed node again after the cool-off when nothing is heard from it', () => {
    const returned: string[] = [];
    const mirror = new DirectoryMirror('self', GRACE);
    mirror.onReturned = (routes) => returned.push(...routes.map((r) => `${r.host}${r.path}`));
    mirror.apply(msg(state('b', [['h', '/']])), 0);
    mirror.failed('b', undefined, 10);
    expect(mirror.match('h', '/', 609)?.nodes).toEqual([]);
    expect(mirror.match('h', '/', 610)?.nodes.map((n) => n.nodeId)).toEqual(['b']);
    expect(returned).toEqual(['h/']);
  });

  it('ignores failures of nodes it does not know', () => {
    const mirror = new DirectoryMirror('self', GRACE);
    mirror.failed('ghost', undefined, 0);
    mirror.apply(msg(state('ghost', [['h', '/']])), 1);
    expect(mirror.match('h', '/', 2)?.nodes.map((n) => n.nodeId)).toEqual(['ghost']);
  });
});
