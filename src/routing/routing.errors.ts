import { HarpError } from '../errors/index.js';

/** Why a route pattern was refused by {@link normalizeHostPattern} or {@link normalizePathPrefix}. */
export type RoutePatternErrorCode = 'route_host_invalid' | 'route_path_invalid';

/** Why the route table refused a registration that was syntactically fine. */
export type RouteConflictCode = 'route_owned';

/** Every reason a route registration can be rejected; stable strings agents may switch on. */
export type RouteRejectionCode = RoutePatternErrorCode | RouteConflictCode;

/**
 * A host pattern or path prefix that cannot be a route. `code` is stable and safe to send to
 * the agent; `reason` is a short human sentence that names the offending part, never a stack.
 */
export class RoutePatternError extends HarpError<RoutePatternErrorCode> {
  constructor(
    code: RoutePatternErrorCode,
    readonly reason: string,
    readonly input: string,
  ) {
    super(code, `${code}: ${reason}`);
  }
}
