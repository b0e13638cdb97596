import { ResetCode } from '../protocol/index.js';
import type { AgentRoute } from './agent-options.js';
import type { OwnedUpstream } from './local-upstream.js';
import { transformHead } from './request-transform.js';
import type { RequestTransform } from './request-transform.js';
import type { ServedRoute } from './route-choice.js';

/** Opens the upstream at a base URL, over HTTP/2 when `h2`. */
export type UpstreamFactory = (url: string, h2: boolean) => OwnedUpstream;

/**
 * One {@link OwnedUpstream} for every route of an agent: each request goes to the upstream of the
 * route it matched (or `fallback`, the connection's own, for routes that name none), changed by
 * that route's transforms. Routes naming the same server share one set of upstream connections.
 */
export function routedUpstream(fallback: OwnedUpstream | undefined, routes: readonly AgentRoute[], open: UpstreamFactory): OwnedUpstream {
  const byServer = new Map<string, OwnedUpstream>();
  const own = routes.map((route) => {
    if (route.upstream === undefined) return undefined;
    const h2 = route.h2 === true;
    const id = `${h2 ? 'h2' : 'h1'} ${route.upstream}`;
    let upstream = byServer.get(id);
    if (!upstream) byServer.set(id, (upstream = open(route.upstream, h2)));
    return upstream;
  });
  const all = [...byServer.values(), ...(fallback ? [fallback] : [])];
  return {
    routed: true,
    relay(tunnel, stream, head, onDone, served?: ServedRoute) {
      const route = served ? routes[served.index] : undefined;
      const upstream = (served ? own[served.index] : undefined) ?? fallback;
      if (!upstream) {
        // Only when the request matched none of this connection's routes, which the proxy's
        // routing rules out: nothing read it, so the proxy may send it elsewhere (§8).
        stream.on('error', () => undefined); // a reset destroys the stream with an error; it is this one
        stream.reset(ResetCode.Refused, 'no upstream for this request');
        return onDone({ method: head.method, target: head.target, status: 0, ms: 0, error: 'no route of this agent matched' });
      }
      const edited = route && served ? transformHead(head, transformOf(route, served.path)) : head;
      // The request log shows the public target, not the one the upstream got.
      upstream.relay(tunnel, stream, edited, edited === head ? onDone : (record) => onDone({ ...record, target: head.target }));
    },
    async close() {
      await Promise.all(all.map((upstream) => upstream.close()));
    },
  };
}

/** A route's transforms; `stripPrefix: true` cuts the prefix the proxy accepted the route as. */
export function transformOf(route: AgentRoute, acceptedPath: string): RequestTransform {
  const stripPrefix = route.stripPrefix === true ? acceptedPath : route.stripPrefix || undefined;
  return {
    ...(stripPrefix ? { stripPrefix } : {}),
    ...(route.addHeaders ? { addHeaders: route.addHeaders } : {}),
    ...(route.removeHeaders ? { removeHeaders: route.removeHeaders } : {}),
    ...(route.hostHeader !== undefined ? { hostHeader: route.hostHeader } : {}),
  };
}
