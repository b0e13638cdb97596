/** A route as exchange reports carry it: host pattern and path prefix. */
export interface RouteRef {
  readonly host: string;
  readonly path: string;
}

// One string per route object (a routing pool lives as long as its route), built the first time
// it is seen: per-request work is a WeakMap lookup, never a concatenation.
const names = new WeakMap<RouteRef, string>();

/** `host` pattern + `path` prefix, e.g. `*.example.com/api`: how logs and metrics name a route. */
export function routeName(route: RouteRef): string {
  let name = names.get(route);
  if (name === undefined) names.set(route, (name = route.host + route.path));
  return name;
}
