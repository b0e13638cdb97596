import { formatRouteTtl } from '../protocol/index.js';
import type { AcceptedRoute, RegisterRouteClaim, RouteAccess } from '../protocol/index.js';
import type { AgentAccess, AgentRoute } from './agent-options.js';

/** What the agent remembers of one of its routes across connections and reconnects. */
interface RouteState {
  /** The latest reconnect token for a generated name: the next `register` presents it. */
  token?: string;
  /** When the route's `ttl` ends (ms since the epoch), from the first proxy that accepted it. */
  deadline?: number;
  /** The host it was last accepted with, to report its end. */
  host?: string;
  expired: boolean;
}

/** The routes one `register` carries, and which of the agent's routes each one is. */
export interface RegisterPlan {
  readonly claims: RegisterRouteClaim[];
  readonly indices: number[];
  /** Routes whose ttl ran out while no connection could hear the proxy say so: ended here. */
  readonly lapsed: Array<{ host: string; path: string }>;
}

/**
 * The agent's routes and their state, shared by all its connections: a generated name comes back
 * with its latest token, and a route's lifetime keeps counting down across reconnects (a
 * reconnecting agent asks only for what is left), so that a reconnect never extends it.
 */
export class RouteBook {
  readonly #routes: AgentRoute[];
  readonly #states: RouteState[];

  constructor(
    routes: AgentRoute[] | undefined,
    private readonly defaults: { access?: AgentAccess; rateLimit?: string },
    private readonly now: () => number = Date.now,
  ) {
    this.#routes = routes?.length ? routes : [{}];
    this.#states = this.#routes.map((route) => ({ expired: false, ...(route.token === undefined ? {} : { token: route.token }) }));
  }

  /** Whether a route asks for what only the `subdomains` feature carries. */
  get needsSubdomains(): boolean {
    return this.#routes.some((r) => r.subdomain !== undefined || r.ttl !== undefined);
  }

  /** Whether every route has reached the end of its ttl. */
  get allExpired(): boolean {
    return this.#states.every((s) => s.expired);
  }

  /** The claims of the routes still alive, for one `register`. */
  plan(): RegisterPlan {
    const claims: RegisterRouteClaim[] = [];
    const indices: number[] = [];
    const lapsed: Array<{ host: string; path: string }> = [];
    this.#routes.forEach((route, index) => {
      const state = this.#states[index]!;
      if (state.expired) return;
      const left = state.deadline === undefined ? undefined : state.deadline - this.now();
      if (left !== undefined && left <= 0) {
        state.expired = true;
        lapsed.push({ host: state.host ?? route.host ?? '*', path: route.path ?? '/' });
        return;
      }
      claims.push(this.#claim(route, state, left));
      indices.push(index);
    });
    return { claims, indices, lapsed };
  }

  /** Takes note of what a proxy accepted for `plan`: tokens, hosts, the clock of each ttl. */
  accepted(plan: RegisterPlan, accepted: readonly AcceptedRoute[]): void {
    const unused = [...accepted];
    plan.claims.forEach((claim, i) => {
      const at = unused.findIndex((a) => a.path === claim.path && (claim.subdomain === undefined ? a.host === claim.host?.toLowerCase() : a.subdomain === claim.subdomain));
      if (at < 0) return;
      const [answer] = unused.splice(at, 1);
      const state = this.#states[plan.indices[i]!]!;
      state.host = answer!.host;
      if (answer!.token !== undefined) state.token = answer!.token;
      if (answer!.ttlMs !== undefined && state.deadline === undefined) state.deadline = this.now() + answer!.ttlMs;
    });
  }

  /** A proxy ended these routes at the end of their ttl. */
  expired(routes: ReadonlyArray<{ host: string; path: string }>): void {
    for (const { host, path } of routes) {
      const index = this.#states.findIndex((s, i) => !s.expired && s.host === host && (this.#routes[i]!.path ?? '/') === path);
      if (index >= 0) this.#states[index]!.expired = true;
    }
  }

  #claim(route: AgentRoute, state: RouteState, left: number | undefined): RegisterRouteClaim {
    const rateLimit = route.rateLimit ?? this.defaults.rateLimit;
    const ttl = left !== undefined ? formatRouteTtl(left) : route.ttl;
    return {
      ...(route.subdomain === undefined ? { host: route.host ?? '*' } : { subdomain: route.subdomain }),
      path: route.path ?? '/',
      ...(route.cache ? { cache: route.cache } : {}),
      ...(route.balance ? { balance: route.balance } : {}),
      ...(route.sticky ? { sticky: route.sticky } : {}),
      ...accessClaim(route.access ?? this.defaults.access),
      ...(rateLimit ? { rateLimit } : {}),
      ...(ttl === undefined ? {} : { ttl }),
      ...(route.subdomain === 'random' && state.token !== undefined ? { token: state.token } : {}),
    };
  }
}

/** The route's `access` as the protocol carries it: empty lists left out (the schema refuses them). */
function accessClaim(access: AgentAccess | undefined): { access?: RouteAccess } {
  if (!access) return {};
  const claim: RouteAccess = {
    ...(access.basicAuth?.length ? { basicAuth: access.basicAuth.map(({ user, password }) => ({ user, password })) } : {}),
    ...(access.bearerTokens?.length ? { bearerTokens: [...access.bearerTokens] } : {}),
    ...(access.allowIps?.length ? { allowIps: [...access.allowIps] } : {}),
    ...(access.denyIps?.length ? { denyIps: [...access.denyIps] } : {}),
  };
  return Object.keys(claim).length > 0 ? { access: claim } : {};
}
