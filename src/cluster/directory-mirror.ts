import { routeId } from './cluster-keys.js';
import type { DirectoryMessage, NodeRecord, NodeState, RouteEntry } from './cluster-model.js';
import { isExpired } from './cluster-rules.js';
import type { RemoteMatch, RemoteRoutes } from '../routing/remote-routes.js';
import { RemoteVacancies } from '../routing/remote-vacancy.js';
import type { Route } from '../routing/route.js';
import { RouteTable } from '../routing/route-table.js';

/** What the mirror knows of one other node. */
export interface MirroredNode {
  readonly node: NodeRecord;
  readonly routes: readonly RouteEntry[];
  /** When its latest state arrived, on this node's clock. */
  readonly seenAt: number;
}

/** How the mirror keeps routes and nodes that stopped taking requests. */
export interface MirrorOptions {
  /** Config `routeGraceMs`: how long a route no other node can take is kept vacant. @default 0 */
  readonly graceMs?: number;
  /**
   * How long a node that failed a request is skipped at most when nothing is heard from it (a
   * mirror cut off from Redis hears no heartbeat). @default 6000
   */
  readonly coolOffMs?: number;
}

/** Stands in the route table for a vacant route, which has no entry of its own. */
const VACANT: RouteEntry = { host: '', path: '/', ownerKeyId: '', nodeId: '', members: 1 };

/**
 * This node's in-memory copy of the directory: the other nodes and their routes, kept from the
 * channel's messages and replaced by a full read on each (re)connect. Plain data and no I/O, so
 * that reading it (as routing a request will) never costs a Redis round trip.
 *
 * The node itself is not mirrored (it knows its own state first-hand); messages about it are
 * ignored.
 *
 * It also keeps what requests found out (docs/cluster.md, "Route grace across nodes"): a node
 * that failed to take one is skipped until its next message (or the cool-off), and a route that
 * no node can take any more, for whatever reason, is matched as vacant during its grace.
 */
export class DirectoryMirror implements RemoteRoutes {
  readonly #nodes = new Map<string, MirroredNode>();
  /** Route id → the entries of every other node serving it. */
  readonly #byRoute = new Map<string, RouteEntry[]>();
  /**
   * The other nodes' routes as a route table, for {@link match}: built on the first request after
   * a change, so that a burst of messages costs one build and a lookup never scans.
   */
  #table: RouteTable<RouteEntry> | undefined;
  readonly #vacancies: RemoteVacancies;
  readonly #coolOffMs: number;
  /** Nodes that failed a request (the connection to them failed), by id: when. */
  readonly #failedNodes = new Map<string, number>();
  /** Nodes that said they have no member of a route, by node id and route id: when. */
  readonly #failedRoutes = new Map<string, number>();
  /** Called with the vacant routes a node serves again: the requests held for them can go. */
  onReturned: ((routes: Route[]) => void) | undefined;

  constructor(
    private readonly selfId: string,
    options: MirrorOptions = {},
  ) {
    this.#vacancies = new RemoteVacancies(options.graceMs ?? 0);
    this.#coolOffMs = options.coolOffMs ?? 6000;
  }

  /** Applies one channel message. Returns true when it changed what the mirror holds. */
  apply(message: DirectoryMessage, now: number): boolean {
    if (message.type === 'leave') return this.remove(message.nodeId, now);
    this.#index(message.state, now);
    this.#changed(now);
    return true;
  }

  /** Replaces everything with a full read of the directory (a resync). */
  replace(states: readonly NodeState[], now: number): void {
    this.#nodes.clear();
    this.#byRoute.clear();
    this.#failedNodes.clear();
    this.#failedRoutes.clear();
    for (const state of states) this.#index(state, now);
    this.#changed(now);
  }

  /**
   * Drops the nodes that missed three heartbeats, and forgets failures older than the cool-off
   * and vacancies past their grace; returns the ids of the nodes dropped.
   */
  prune(now: number, heartbeatMs: number): string[] {
    const gone = [...this.#nodes.values()].filter((n) => isExpired(n.seenAt, now, heartbeatMs)).map((n) => n.node.id);
    for (const id of gone) this.#forget(id);
    this.#expire(now);
    if (gone.length > 0) this.#changed(now);
    return gone;
  }

  remove(nodeId: string, now: number): boolean {
    if (!this.#forget(nodeId)) return false;
    this.#changed(now);
    return true;
  }

  failed(nodeId: string, route: Route | undefined, now: number): void {
    if (!this.#nodes.has(nodeId)) return;
    if (route) this.#failedRoutes.set(`${nodeId}\u0000${routeId(route)}`, now);
    else this.#failedNodes.set(nodeId, now);
    this.#changed(now);
  }

  /**
   * The most specific route other nodes hold members of for a request, with the route table's
   * precedence, and where those nodes listen. Entries disagreeing on the route's owner (a race
   * the atomic claim settles) keep the first seen.
   */
  match(host: string, path: string, now?: number): RemoteMatch | undefined {
    if (now !== undefined) this.#expire(now);
    const pool = this.#remoteTable().lookup(host, path);
    if (!pool) return undefined;
    if (pool.vacantUntil !== undefined) return { route: { host: pool.host, path: pool.path }, nodes: [], vacantUntil: pool.vacantUntil };
    const nodes = pool.members.flatMap((entry) => {
      const url = this.#nodes.get(entry.nodeId)?.node.url;
      return url ? [{ nodeId: entry.nodeId, url }] : [];
    });
    return nodes.length > 0 ? { route: { host: pool.host, path: pool.path }, nodes } : undefined;
  }

  #remoteTable(): RouteTable<RouteEntry> {
    if (this.#table) return this.#table;
    const table = new RouteTable<RouteEntry>({ keepVacant: true });
    for (const entries of this.#byRoute.values()) {
      for (const entry of entries) if (this.#usable(entry)) table.add(entry, entry, entry.ownerKeyId);
    }
    // A vacant route is an empty pool, so that it takes part in the precedence as in one proxy.
    for (const { route, until } of this.#vacancies.list()) {
      const added = table.add(route, VACANT, VACANT.ownerKeyId);
      if (!added.ok) continue;
      table.remove(route, VACANT);
      added.pool.vacantUntil = until;
    }
    this.#table = table;
    return table;
  }

  /** Whether a request may be sent to the node of `entry` for its route. */
  #usable(entry: RouteEntry): boolean {
    return !this.#failedNodes.has(entry.nodeId) && !this.#failedRoutes.has(`${entry.nodeId}\u0000${routeId(entry)}`);
  }

  /** What requests can be sent to changed: vacancies follow, the table is built again. */
  #changed(now: number): void {
    this.#table = undefined;
    const served: Route[] = [];
    for (const entries of this.#byRoute.values()) {
      const entry = entries.find((e) => this.#usable(e));
      if (entry) served.push(entry);
    }
    const returned = this.#vacancies.update(served, now);
    if (returned.length > 0) this.onReturned?.(returned);
  }

  /** Forgets failures past the cool-off and vacancies past their grace. */
  #expire(now: number): void {
    let forgot = false;
    for (const failures of [this.#failedNodes, this.#failedRoutes]) {
      for (const [key, at] of failures) {
        if (now - at < this.#coolOffMs) continue;
        failures.delete(key);
        forgot = true;
      }
    }
    if (forgot) return this.#changed(now);
    const next = this.#vacancies.nextExpiry;
    if (next !== undefined && next <= now && this.#vacancies.expire(now).length > 0) this.#table = undefined;
  }

  /** The other nodes, by id. */
  nodes(): MirroredNode[] {
    return [...this.#nodes.values()].sort((a, b) => (a.node.id < b.node.id ? -1 : 1));
  }

  /** The other nodes' entries for a route (normalized host and path). */
  entriesFor(route: { readonly host: string; readonly path: string }): readonly RouteEntry[] {
    return this.#byRoute.get(routeId(route)) ?? [];
  }

  /**
   * The key another node's members of `route` are registered with, when it is not `keyId`:
   * a registration this node should refuse. The atomic claim in Redis remains the arbiter; this
   * answers at once, from memory.
   */
  foreignOwner(route: { readonly host: string; readonly path: string }, keyId: string): string | undefined {
    return this.entriesFor(route).find((entry) => entry.ownerKeyId !== keyId)?.ownerKeyId;
  }

  /** Takes in one node's whole state; a node heard from is no longer taken for failed. */
  #index(state: NodeState, now: number): void {
    if (state.node.id === this.selfId) return;
    this.#forgetFailures(state.node.id);
    const known = this.#nodes.get(state.node.id);
    if (known) this.#unindex(known);
    // Entries claiming to be another node's are not believed.
    const routes = state.routes.filter((entry) => entry.nodeId === state.node.id);
    const mirrored = { node: state.node, routes, seenAt: now };
    this.#nodes.set(state.node.id, mirrored);
    for (const entry of routes) {
      const id = routeId(entry);
      const list = this.#byRoute.get(id);
      if (list) list.push(entry);
      else this.#byRoute.set(id, [entry]);
    }
  }

  #forget(nodeId: string): boolean {
    const known = this.#nodes.get(nodeId);
    if (!known) return false;
    this.#nodes.delete(nodeId);
    this.#unindex(known);
    this.#forgetFailures(nodeId);
    return true;
  }

  #forgetFailures(nodeId: string): void {
    this.#failedNodes.delete(nodeId);
    for (const key of this.#failedRoutes.keys()) if (key.startsWith(`${nodeId}\u0000`)) this.#failedRoutes.delete(key);
  }

  #unindex(known: MirroredNode): void {
    for (const entry of known.routes) {
      const id = routeId(entry);
      const rest = (this.#byRoute.get(id) ?? []).filter((e) => e.nodeId !== known.node.id);
      if (rest.length > 0) this.#byRoute.set(id, rest);
      else this.#byRoute.delete(id);
    }
  }
}
