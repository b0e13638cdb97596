import { EventEmitter } from 'node:events';
import { clusterKeys, routeId, type ClusterKeys } from './cluster-keys.js';
import {
  decodeMessage,
  decodeNodeRecord,
  decodeRouteEntry,
  encodeMessage,
  type NodeRecord,
  type NodeState,
  type RouteEntry,
} from './cluster-model.js';
import { nodeTtlMs, operationTimeoutMs, ownerTtlMs, type ClaimOutcome } from './cluster-rules.js';
import { createDirectoryClient, RECONNECT_MAX_DELAY_MS, withTimeout, type RedisClient } from './cluster-redis.js';
import { CLAIM_SCRIPT, LEAVE_SCRIPT, PUBLISH_STATE_SCRIPT, SUBDOMAIN_CLAIM_SCRIPT } from './directory-scripts.js';
import { DirectoryMirror } from './directory-mirror.js';

/** A route this node serves, as the local route table tells it. */
export type LocalRoute = Omit<RouteEntry, 'nodeId'>;

/** What the directory reads of this node: the routing table and the agent sessions. */
export interface LocalNode {
  /** The routes with at least one member on this node. */
  routes(): readonly LocalRoute[];
  /** Agents connected now. */
  agents(): number;
}

export interface ClusterDirectoryOptions {
  readonly redisUrl: string;
  /** Config `redisPrefix`. */
  readonly prefix: string;
  readonly nodeId: string;
  /** Where other nodes reach this node's internal listener. */
  readonly url: string;
  /** Config `clusterHeartbeatMs`. */
  readonly heartbeatMs: number;
  /** Config `routeGraceMs`: how long an owner key outlives the route's last member. */
  readonly routeGraceMs: number;
  readonly local: LocalNode;
  readonly logger?: { log(message: string): void; warn(message: string): void };
  /** @default Date.now */
  readonly now?: () => number;
}

/** A node as `GET /_harp/api/nodes` lists it. */
export interface NodeView extends NodeRecord {
  readonly routes: readonly RouteEntry[];
  /** True for the node answering. */
  readonly self: boolean;
}

interface DirectoryEventMap {
  /** The mirror changed: a node came, went or changed its routes. */
  change: [];
  /**
   * Another key owns a route this node has members of: its entry is not published, and its
   * members here are to give it up (the cluster node withdraws it from its agents). Emitted on
   * every write that finds it so (a route withdrawn is not claimed again), logged once.
   */
  refused: [route: LocalRoute, owner: string];
}

const SILENT = { log: () => undefined, warn: () => undefined };

/**
 * This node's part of the cluster directory in Redis (docs/cluster.md): its heartbeat, its
 * routes and their ownership, and the mirror of every other node, kept from pub/sub so that
 * reading it costs no round trip.
 *
 * With Redis gone it keeps serving what it knows: the mirror stays as it was (nothing is
 * pruned while the directory cannot be heard), and this node's own changes are kept as its
 * latest state, written and published as soon as Redis is back, after a full resync. Every
 * Redis operation is bounded by {@link operationTimeoutMs}.
 */
export class ClusterDirectory {
  readonly events = new EventEmitter<DirectoryEventMap>();
  readonly mirror: DirectoryMirror;
  readonly keys: ClusterKeys;
  readonly startedAt: number;
  readonly #options: ClusterDirectoryOptions;
  readonly #logger: NonNullable<ClusterDirectoryOptions['logger']>;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #commands?: RedisClient;
  #subscriber?: RedisClient;
  #timer?: NodeJS.Timeout;
  /** Set when this node's state changed since it was last written: what an outage queues. */
  #pending = true;
  #publishing?: Promise<void>;
  #again = false;
  #lastWriteOk = false;
  #outage = false;
  #closing?: Promise<void>;
  /** Routes last refused, by id, so that a refusal is reported once, not every heartbeat. */
  #refused = new Map<string, string>();
  /** No pruning before this time: the other nodes may still be waiting to reconnect (#recover). */
  #pruneFrom = 0;
  /** The url of another node holding this node's id in Redis, while it does. */
  #idTakenBy: string | undefined;

  constructor(options: ClusterDirectoryOptions) {
    this.#options = options;
    this.#logger = options.logger ?? SILENT;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = operationTimeoutMs(options.heartbeatMs);
    this.keys = clusterKeys(options.prefix);
    // A failed node is skipped until heard again; one not heard for its TTL is dropped anyway.
    this.mirror = new DirectoryMirror(options.nodeId, { graceMs: options.routeGraceMs, coolOffMs: nodeTtlMs(options.heartbeatMs) });
    this.startedAt = this.#now();
  }

  get nodeId(): string {
    return this.#options.nodeId;
  }

  /**
   * True while both connections are up and this node's last write went through: what
   * readiness reports. False, the node still serves, from what it last knew.
   */
  get healthy(): boolean {
    return Boolean(this.#commands?.isReady && this.#subscriber?.isReady && this.#lastWriteOk);
  }

  /**
   * The url of another running node that has this node's id, while it has it: this node then
   * writes nothing to the directory (it is not `healthy`) and serves only its own agents.
   */
  get idTakenBy(): string | undefined {
    return this.#idTakenBy;
  }

  /** Connects (in the background: Redis may be down) and starts the heartbeat. */
  start(): void {
    if (this.#commands) return;
    const commands = createDirectoryClient(this.#options.redisUrl, (error) => this.#troubled(error));
    const subscriber = createDirectoryClient(this.#options.redisUrl, (error) => this.#troubled(error));
    this.#commands = commands;
    this.#subscriber = subscriber;
    // Each (re)connect reads the whole directory again, then writes this node's state.
    commands.on('ready', () => void this.#recover());
    subscriber.on('ready', () => void this.#recover());
    // node-redis subscribes again by itself after a reconnect.
    commands.connect().catch(() => undefined);
    subscriber
      .connect()
      .then(() => subscriber.subscribe(this.keys.channel, (message) => this.#received(message)))
      .catch(() => undefined);
    this.#timer = setInterval(() => this.#tick(), this.#options.heartbeatMs);
    this.#timer.unref();
  }

  /** This node's routes or agents changed: publish its state soon (coalesced). */
  changed(): void {
    if (this.#pending) return;
    this.#pending = true;
    setImmediate(() => void this.#publish());
  }

  /** Every node: this one first, then the others by id. */
  nodes(): NodeView[] {
    const self = { ...this.#record(), routes: this.#ownRoutes(), self: true };
    return [self, ...this.mirror.nodes().map(({ node, routes }) => ({ ...node, routes, self: false }))];
  }

  /**
   * Claims `route` for `keyId` across the cluster, atomically (the owner key's TTL is three
   * heartbeats plus the route grace). Throws when Redis cannot answer in time.
   */
  async claim(route: { readonly host: string; readonly path: string }, keyId: string): Promise<ClaimOutcome> {
    const client = this.#client();
    const reply = (await withTimeout(
      client.eval(CLAIM_SCRIPT, { keys: [this.keys.owner(routeId(route))], arguments: [keyId, String(this.#ownerTtl())] }),
      this.#timeoutMs,
      'ownership claim',
    )) as [number, string, ClaimOutcome['write']];
    return { granted: reply[0] === 1, owner: String(reply[1]), write: reply[2] };
  }

  /**
   * Claims subdomain `name` for `keyId` across the cluster, atomically: `new` only if nobody
   * holds it, `join` if nobody or `keyId` does; the hold is set to `holdMs`. Throws when Redis
   * cannot answer in time.
   */
  async claimSubdomain(name: string, keyId: string, mode: 'new' | 'join', holdMs: number): Promise<{ granted: boolean; owner: string }> {
    const client = this.#client();
    const reply = (await withTimeout(
      client.eval(SUBDOMAIN_CLAIM_SCRIPT, { keys: [this.keys.subdomain(name)], arguments: [keyId, String(holdMs), mode] }),
      this.#timeoutMs,
      'subdomain claim',
    )) as [number, string];
    return { granted: reply[0] === 1, owner: String(reply[1]) };
  }

  /** Leaves the directory (best effort, bounded) and closes both connections. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  #tick(): void {
    void this.#publish();
    // A mirror that cannot hear heartbeats is kept as it is, not emptied: see the class doc.
    const now = this.#now();
    if (this.healthy && now >= this.#pruneFrom && this.mirror.prune(now, this.#options.heartbeatMs).length > 0) this.events.emit('change');
  }

  /** Writes and publishes this node's state; one at a time, the next coalesced after it. */
  #publish(): Promise<void> {
    if (this.#closing) return Promise.resolve();
    if (this.#publishing) {
      this.#again = true;
      return this.#publishing;
    }
    this.#publishing = this.#writeState()
      .then(
        () => this.#succeeded(),
        (error: unknown) => this.#troubled(error),
      )
      .finally(() => {
        this.#publishing = undefined;
        if (this.#again) {
          this.#again = false;
          void this.#publish();
        }
      });
    return this.#publishing;
  }

  async #writeState(): Promise<void> {
    const client = this.#client();
    if (!client.isReady) throw new Error('not connected to Redis');
    this.#pending = false;
    const record = this.#record();
    const routes = this.#ownRoutes();
    const keys = [this.keys.node(record.id), this.keys.nodes, this.keys.nodeRoutes(record.id), ...routes.map((r) => this.keys.owner(routeId(r)))];
    const args = [record.id, JSON.stringify(record), String(nodeTtlMs(this.#options.heartbeatMs)), String(this.#ownerTtl()), record.url];
    for (const route of routes) args.push(routeId(route), JSON.stringify(route), route.ownerKeyId);
    let owners: Map<string, string>;
    try {
      const [outcome, ...refused] = (await withTimeout(client.eval(PUBLISH_STATE_SCRIPT, { keys, arguments: args }), this.#timeoutMs, 'heartbeat')) as string[];
      if (outcome === 'taken') throw this.#idTaken(String(refused[0]));
      this.#idTakenBy = undefined;
      owners = this.#noteRefused(refused);
      const published = routes.filter((route) => !owners.has(routeId(route)));
      const message = encodeMessage({ v: 1, type: 'state', state: { node: record, routes: published } });
      await withTimeout(client.publish(this.keys.channel, message), this.#timeoutMs, 'publish');
    } catch (error) {
      // Not written: still pending, for the next heartbeat or the reconnect.
      this.#pending = true;
      throw error;
    }
    // Once this state is out: the withdrawals change the routes, which the next write carries.
    for (const { nodeId: _self, ...route } of routes) {
      const owner = owners.get(routeId(route));
      if (owner !== undefined) this.events.emit('refused', route, owner);
    }
  }

  /** Another node holds this node's id: logged once while it lasts, and nothing written. */
  #idTaken(holder: string): Error {
    if (this.#idTakenBy !== holder) {
      this.#logger.warn(`node id "${this.nodeId}" is in use by the node at ${holder}; this node stays out of the directory until it stops (give each node its own nodeId)`);
    }
    this.#idTakenBy = holder;
    return new Error(`node id "${this.nodeId}" is in use by the node at ${holder}`);
  }

  /** The refused routes' owners by route id, from the script's flat reply; logs new ones. */
  #noteRefused(flat: readonly string[]): Map<string, string> {
    const now = new Map<string, string>();
    for (let i = 0; i + 1 < flat.length; i += 2) now.set(String(flat[i]), String(flat[i + 1]));
    for (const [id, owner] of now) {
      if (this.#refused.get(id) === owner) continue;
      this.#logger.warn(`route ${id} is owned by key "${owner}" in the cluster; this node's members of it are not published`);
    }
    this.#refused = now;
    return now;
  }

  /**
   * Reads the whole directory into the mirror, then writes this node's state. A node the mirror
   * knew and the read did not find is kept as if just heard, and then nothing is pruned until
   * every other node had the time to reconnect and write: a restarted Redis is empty until each
   * node writes again, and their reconnect backoffs run apart by up to
   * {@link RECONNECT_MAX_DELAY_MS}; dropping them meanwhile would stop this node forwarding to
   * them. One that is really gone is pruned once that time and three heartbeats have passed.
   */
  async #recover(): Promise<void> {
    if (!this.#commands?.isReady || !this.#subscriber?.isReady || this.#closing) return;
    try {
      // Taken before the read: a heartbeat may prune the mirror while the read is on its way.
      const known = this.mirror.nodes();
      const read = await this.#readAll();
      const found = new Set(read.map((state) => state.node.id));
      const kept = known.filter(({ node }) => !found.has(node.id));
      const now = this.#now();
      this.mirror.replace([...read, ...kept.map(({ node, routes }) => ({ node, routes }))], now);
      if (kept.length > 0) this.#pruneFrom = now + RECONNECT_MAX_DELAY_MS + nodeTtlMs(this.#options.heartbeatMs);
      this.events.emit('change');
      this.#pending = true;
      await this.#publish();
    } catch (error) {
      this.#troubled(error);
    }
  }

  async #readAll(): Promise<NodeState[]> {
    const client = this.#client();
    const bound = <T>(operation: Promise<T>, what: string) => withTimeout(operation, this.#timeoutMs, what);
    const ids = (await bound(client.sMembers(this.keys.nodes), 'resync')).map(String).filter((id) => id !== this.nodeId);
    const states = await Promise.all(
      ids.map(async (id): Promise<NodeState | undefined> => {
        const [text, hash] = await Promise.all([
          bound(client.get(this.keys.node(id)), 'resync'),
          bound(client.hGetAll(this.keys.nodeRoutes(id)), 'resync'),
        ]);
        const node = decodeNodeRecord(text === null ? null : String(text));
        if (node === undefined) {
          // Expired (or damaged): the set's entry is all that is left of it.
          await bound(client.sRem(this.keys.nodes, id), 'resync');
          return undefined;
        }
        const routes = Object.values(hash).flatMap((entry) => decodeRouteEntry(String(entry)) ?? []);
        return { node, routes };
      }),
    );
    return states.filter((state) => state !== undefined);
  }

  #received(text: string): void {
    const message = decodeMessage(String(text));
    if (message !== undefined && this.mirror.apply(message, this.#now())) this.events.emit('change');
  }

  #record(): NodeRecord {
    return {
      id: this.nodeId,
      url: this.#options.url,
      startedAt: this.startedAt,
      heartbeatAt: this.#now(),
      agents: this.#options.local.agents(),
    };
  }

  #ownRoutes(): RouteEntry[] {
    return this.#options.local.routes().map((route) => ({ ...route, nodeId: this.nodeId }));
  }

  #ownerTtl(): number {
    return ownerTtlMs(this.#options.heartbeatMs, this.#options.routeGraceMs);
  }

  #client(): RedisClient {
    if (!this.#commands) throw new Error('the cluster directory is not started');
    return this.#commands;
  }

  #succeeded(): void {
    this.#lastWriteOk = true;
    if (!this.#outage) return;
    this.#outage = false;
    this.#logger.log('cluster directory reachable again; state published');
  }

  #troubled(error: unknown): void {
    this.#lastWriteOk = false;
    // A taken id is not an outage, and was logged as what it is.
    if (this.#outage || this.#closing || this.#idTakenBy !== undefined) return;
    this.#outage = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.#logger.warn(`cluster directory unreachable (${reason}); serving what is known, changes kept until Redis is back`);
  }

  async #close(): Promise<void> {
    clearInterval(this.#timer);
    const commands = this.#commands;
    const subscriber = this.#subscriber;
    if (!commands || !subscriber) return;
    await this.#publishing?.catch(() => undefined);
    if (commands.isReady) {
      const id = this.nodeId;
      const message = encodeMessage({ v: 1, type: 'leave', nodeId: id });
      const leave = commands.eval(LEAVE_SCRIPT, {
        keys: [this.keys.node(id), this.keys.nodes, this.keys.nodeRoutes(id)],
        arguments: [id, this.keys.channel, message, this.#options.url],
      });
      // Best effort: a node that cannot say goodbye expires after three heartbeats anyway.
      await withTimeout(leave, this.#timeoutMs, 'leave').catch(() => undefined);
    }
    await Promise.all([commands, subscriber].map((client) => closeClient(client, this.#timeoutMs)));
  }
}

async function closeClient(client: RedisClient, ms: number): Promise<void> {
  if (!client.isOpen) {
    // Still reconnecting: destroy stops the retries.
    client.destroy();
    return;
  }
  try {
    await withTimeout(client.close(), ms, 'close');
  } catch {
    if (client.isOpen) client.destroy();
  }
}
