/**
 * The directory's rules as plain functions, so that they are tested as tables and the Redis
 * side (`ownership.lua.ts`, `cluster-directory.ts`) only applies them.
 */

/** A node that misses this many heartbeats in a row is taken for dead. */
export const MISSED_HEARTBEATS_BEFORE_EXPIRY = 3;

/** TTL of a node's keys in Redis, in ms: they vanish by themselves once it missed three heartbeats. */
export function nodeTtlMs(heartbeatMs: number): number {
  return MISSED_HEARTBEATS_BEFORE_EXPIRY * heartbeatMs;
}

/**
 * Whether a node last heard from at `lastSeenAt` (this node's clock: when its message arrived,
 * never the sender's own timestamp, so that clock skew between machines does not matter) has
 * missed three heartbeats by `now`.
 */
export function isExpired(lastSeenAt: number, now: number, heartbeatMs: number): boolean {
  return now - lastSeenAt > nodeTtlMs(heartbeatMs);
}

/**
 * TTL of a route's owner key, in ms. Every node that holds a member of the route refreshes it
 * each heartbeat, so it lives while any does; after the last member anywhere leaves (or its
 * node dies) it survives up to three heartbeats plus the route grace: the grace every node
 * keeps a vacant route for its owner, plus the time the cluster needs to notice a dead node.
 */
export function ownerTtlMs(heartbeatMs: number, routeGraceMs: number): number {
  return nodeTtlMs(heartbeatMs) + routeGraceMs;
}

/** Outcome of a claim on a route's ownership. */
export interface ClaimOutcome {
  /** True when `keyId` owns the route now (it took it, or already had it). */
  readonly granted: boolean;
  /** The route's owner after the claim. */
  readonly owner: string;
  /** What the claim does to the owner key: create it, refresh its TTL, or leave it alone. */
  readonly write: 'create' | 'refresh' | 'none';
}

/**
 * The ownership claim: the first key to claim a free route owns it; its owner's claims refresh
 * it; any other key is refused while the owner key lives. The Lua script in `ownership.lua.ts`
 * does exactly this in one atomic step, so two nodes cannot give one route to two keys.
 */
export function claimOutcome(currentOwner: string | undefined, keyId: string): ClaimOutcome {
  if (currentOwner === undefined) return { granted: true, owner: keyId, write: 'create' };
  if (currentOwner === keyId) return { granted: true, owner: keyId, write: 'refresh' };
  return { granted: false, owner: currentOwner, write: 'none' };
}

/**
 * The time every directory operation (one Redis round trip) may take, in ms: a heartbeat's
 * worth, but never below 500 ms (a loaded machine with a short test heartbeat) nor above 5 s
 * (a node must find out quickly that Redis is gone).
 */
export function operationTimeoutMs(heartbeatMs: number): number {
  return Math.min(Math.max(heartbeatMs, 500), 5000);
}
