import { routeId } from './cluster-keys.js';
import type { DirectoryMessage, NodeRecord, NodeState, RouteEntry } from './cluster-model.js';
import { isExpired } from './cluster-rules.js';
import type { RemoteMatch, RemoteRoutes } from '../routing/remote-routes.js';
import { RouteTable } from '../routing/route-table.js';

/** What the mirror knows of one other node. */
export interface MirroredNode {
  readonly node: NodeRecord;
  readonly routes: readonly RouteEntry[];
  /** When its latest state arrived, on this node's clock. */
  readonly seenAt: number;
}

/**
 * This node's in-memory copy of the directory: the other nodes and their routes, kept from the
 * channel's messages and replaced by a full read on each (re)connect. Plain data and no I/O, so
 * that reading it (as routing a request will) never costs a Redis round trip.
 *
 * The node itself is not mirrored (it knows its own state first-hand); messages about it are
 * ignored.
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

  constructor(private readonly selfId: string) {}

  /** Applies one channel message. Returns true when it changed what the mirror holds. */
  apply(message: DirectoryMessage, now: number): boolean {
    if (message.type === 'leave') return this.remove(message.nodeId);
    this.put(message.state, now);
    return true;
  }

  /** Replaces everything with a full read of the directory (a resync). */
  replace(states: readonly NodeState[], now: number): void {
    this.#nodes.clear();
    this.#byRoute.clear();
    this.#table = undefined;
    for (const state of states) this.put(state, now);
  }

  /** Drops the nodes that missed three heartbeats; returns their ids. */
  prune(now: number, heartbeatMs: number): string[] {
    const gone = [...this.#nodes.values()].filter((n) => isExpired(n.seenAt, now, heartbeatMs)).map((n) => n.node.id);
    for (const id of gone) this.remove(id);
    return gone;
  }

  remove(nodeId: string): boolean {
    const known = this.#nodes.get(nodeId);
    if (!known) return false;
    this.#nodes.delete(nodeId);
    this.#unindex(known);
    return true;
  }

  /**
   * The most specific route other nodes hold members of for a request, with the route table's
   * precedence, and where those nodes listen. Entries disagreeing on the route's owner (a race
   * the atomic claim settles) keep the first seen.
   */
  match(host: string, path: string): RemoteMatch | undefined {
    const pool = this.#remoteTable().lookup(host, path);
    if (!pool || pool.members.length === 0) return undefined;
    const nodes = pool.members.flatMap((entry) => {
      const url = this.#nodes.get(entry.nodeId)?.node.url;
      return url ? [{ nodeId: entry.nodeId, url }] : [];
    });
    return nodes.length > 0 ? { route: { host: pool.host, path: pool.path }, nodes } : undefined;
  }

  #remoteTable(): RouteTable<RouteEntry> {
    if (this.#table) return this.#table;
    const table = new RouteTable<RouteEntry>();
    for (const entries of this.#byRoute.values()) for (const entry of entries) table.add(entry, entry, entry.ownerKeyId);
    this.#table = table;
    return table;
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

  private put(state: NodeState, now: number): void {
    if (state.node.id === this.selfId) return;
    this.#table = undefined;
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

  #unindex(known: MirroredNode): void {
    this.#table = undefined;
    for (const entry of known.routes) {
      const id = routeId(entry);
      const rest = (this.#byRoute.get(id) ?? []).filter((e) => e.nodeId !== known.node.id);
      if (rest.length > 0) this.#byRoute.set(id, rest);
      else this.#byRoute.delete(id);
    }
  }
}
