import type { LookupAddress } from 'node:dns';
import { BY_NAME, connectionTargets, resolvableHost, targetChanges } from './node-addresses.js';
import type { Lookup } from './node-addresses.js';
import type { ProxyConnection } from './proxy-connection.js';

/** A lost connection asks for a new lookup, but not more often than this. */
const MIN_RESOLVE_GAP_MS = 1000;

export interface ServerNodesOptions {
  /** The server as given, and its connect URL. */
  readonly server: string;
  readonly url: string;
  readonly lookup: Lookup;
  /** How often the name is looked up again while the agent runs. */
  readonly resolveIntervalMs: number;
  /** A connection to this server, pinned to `address` or dialing by name ({@link BY_NAME}). */
  readonly connect: (address: string) => ProxyConnection;
}

/**
 * The agent's connections to one given server: one by name, or, when the name resolves to
 * several addresses, one per address (each may be a node of a cluster; connections that reach
 * one node are told apart by the node id, see `holdsNode`). The name is looked up again every
 * `resolveIntervalMs` and whenever a connection is lost: an address that appeared gets a
 * connection, one that went away has its connection closed (drained, its streams finish).
 *
 * A connection that stopped for good (a rejected key, a drain) stays here, so that a later
 * lookup does not reopen it.
 */
export class ServerNodes {
  readonly #options: ServerNodesOptions;
  /** undefined for an IP literal: nothing to resolve. */
  readonly #host: string | undefined;
  readonly #connections = new Map<string, ProxyConnection>();
  /** Connections closed because their address left the name, until they are done. */
  readonly #leaving = new Set<Promise<void>>();
  #timer?: NodeJS.Timeout;
  #resolving?: Promise<void>;
  #lastResolve = 0;
  #resolved = false;
  #stopped = false;

  constructor(options: ServerNodesOptions) {
    this.#options = options;
    this.#host = resolvableHost(options.url);
  }

  get server(): string {
    return this.#options.server;
  }

  /** Its connections now. */
  get connections(): ProxyConnection[] {
    return [...this.#connections.values()];
  }

  /** Whether its connections are known (the first lookup answered or failed) and all stopped. */
  get ended(): boolean {
    return this.#resolved && this.connections.every((c) => c.ended);
  }

  /** Whether every connection it holds was refused its key (and it holds any). */
  get rejected(): boolean {
    return this.#resolved && this.#connections.size > 0 && this.connections.every((c) => c.keyRejected);
  }

  /** Opens its connections; an IP literal at once, a name once looked up. */
  start(): void {
    if (this.#stopped) return;
    if (this.#host === undefined) {
      this.#resolved = true;
      return this.#apply([BY_NAME]);
    }
    void this.resolve();
    this.#timer = setInterval(() => void this.resolve(), this.#options.resolveIntervalMs);
    this.#timer.unref();
  }

  /** Looks the name up again and adjusts the connections; one lookup at a time. */
  resolve(): Promise<void> {
    if (this.#host === undefined || this.#stopped) return Promise.resolve();
    this.#resolving ??= this.#resolve(this.#host).finally(() => (this.#resolving = undefined));
    return this.#resolving;
  }

  /** A connection was lost: the name may list other nodes now. */
  lost(): void {
    if (Date.now() - this.#lastResolve >= MIN_RESOLVE_GAP_MS) void this.resolve();
  }

  /** Stops looking up and closes every connection (each drains within `graceMs`). */
  async close(graceMs: number): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#resolving;
    await Promise.all([...this.connections.map((c) => c.close(graceMs)), ...this.#leaving]);
  }

  async #resolve(host: string): Promise<void> {
    this.#lastResolve = Date.now();
    let answers: readonly LookupAddress[] | undefined;
    try {
      answers = await this.#options.lookup(host);
    } catch {
      // The connection by name reports the failure itself, as without resolving.
      answers = undefined;
    }
    if (this.#stopped) return;
    this.#resolved = true;
    this.#apply(connectionTargets(answers, [...this.#connections.keys()]));
  }

  #apply(wanted: readonly string[]): void {
    const { open, close } = targetChanges([...this.#connections.keys()], wanted);
    for (const target of close) {
      const connection = this.#connections.get(target)!;
      this.#connections.delete(target);
      const done = connection.close(5000).finally(() => this.#leaving.delete(done));
      this.#leaving.add(done);
    }
    for (const target of open) {
      const connection = this.#options.connect(target);
      connection.on('disconnected', () => this.lost());
      this.#connections.set(target, connection);
      connection.start();
    }
  }
}
