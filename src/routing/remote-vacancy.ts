import type { Route } from './route.js';

/** A route no node of the cluster can take requests for now, kept for its owner until `until`. */
export interface RemoteVacancy {
  readonly route: Route;
  /** When its grace ends, ms since the epoch. */
  readonly until: number;
}

const keyOf = (route: Route): string => `${route.host}${route.path}`;

/**
 * The route grace across nodes, as plain bookkeeping (docs/cluster.md, "Route grace across
 * nodes"): given, after every change, the routes other nodes can take requests for, it keeps
 * each route that was served and no longer is (its node left, died, stopped listing it, or
 * failed to take a request) vacant for `graceMs`, and says which vacancies ended because the
 * route is served again. The clock is passed in; the caller owns the waiting.
 *
 * Whether this node serves the route itself is not its concern: routing prefers local members
 * of the same route, so a vacancy for a route served here is never looked at.
 */
export class RemoteVacancies {
  #served = new Map<string, Route>();
  readonly #vacant = new Map<string, RemoteVacancy>();

  constructor(
    /** Config `routeGraceMs`; 0 keeps no vacancy. */
    private readonly graceMs: number,
  ) {}

  /**
   * The routes other nodes can take requests for now (each once). Returns the vacant routes that
   * are served again: the requests waiting for them can go.
   */
  update(served: Iterable<Route>, now: number): Route[] {
    const next = new Map<string, Route>();
    for (const route of served) next.set(keyOf(route), { host: route.host, path: route.path });
    const returned: Route[] = [];
    for (const [key, route] of next) if (this.#vacant.delete(key)) returned.push(route);
    if (this.graceMs > 0) {
      for (const [key, route] of this.#served) {
        if (!next.has(key) && !this.#vacant.has(key)) this.#vacant.set(key, { route, until: now + this.graceMs });
      }
    }
    this.#served = next;
    this.expire(now);
    return returned;
  }

  /** Forgets the vacancies whose grace is over by `now`; returns their routes. */
  expire(now: number): Route[] {
    const over: Route[] = [];
    for (const [key, vacancy] of this.#vacant) {
      if (vacancy.until > now) continue;
      this.#vacant.delete(key);
      over.push(vacancy.route);
    }
    return over;
  }

  /** The earliest end of a grace, or undefined without vacancies: when {@link expire} has work. */
  get nextExpiry(): number | undefined {
    let earliest: number | undefined;
    for (const { until } of this.#vacant.values()) if (earliest === undefined || until < earliest) earliest = until;
    return earliest;
  }

  /** Every vacant route now. */
  list(): RemoteVacancy[] {
    return [...this.#vacant.values()];
  }

  /** Until when `route` is vacant, or undefined when it is not. */
  untilOf(route: Route): number | undefined {
    return this.#vacant.get(keyOf(route))?.until;
  }
}
