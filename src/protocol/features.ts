import { FEATURE_NEEDS, TUNNEL_FEATURES } from './constants.js';
import type { TunnelFeature } from './constants.js';

// docs/protocol.md §3.5. Features are offered in a handshake header, not in `hello`, because
// `hello`'s schema is closed: a proxy that predates a new field would fail the connection,
// while it ignores a header it does not know. The proxy answers in `welcome` only when offered,
// so an agent that predates features never sees the field either.

/** The `Harp-Features` header value an agent sends: every feature it implements. */
export function offeredFeatures(features: readonly TunnelFeature[] = TUNNEL_FEATURES): string {
  return features.join(', ');
}

/**
 * Proxy side: the features a connection uses, from the agent's `Harp-Features` header (a
 * comma-separated list; names compare case-insensitively, unknown ones are ignored), or
 * undefined when the handshake offered none (then `welcome` carries no `features`).
 */
export function acceptedFeatures(header: string | string[] | undefined): TunnelFeature[] | undefined {
  if (header === undefined) return undefined;
  const offered = new Set(
    (Array.isArray(header) ? header.join(',') : header)
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
  return usable(TUNNEL_FEATURES.filter((feature) => offered.has(feature)));
}

/**
 * Agent side: the features a connection uses, from `welcome`'s list: only those the agent
 * offered (a proxy lists nothing else, and a name the agent does not know is not trusted). A
 * `welcome` without the list, from a proxy that predates features, means none.
 */
export function welcomedFeatures(
  listed: readonly string[] | undefined,
  offered: readonly TunnelFeature[] = TUNNEL_FEATURES,
): Set<TunnelFeature> {
  const listedSet = new Set(listed ?? []);
  return new Set(usable(offered.filter((feature) => listedSet.has(feature))));
}

/** `features` without those whose prerequisite ({@link FEATURE_NEEDS}) is not among them. */
function usable(features: TunnelFeature[]): TunnelFeature[] {
  return features.filter((feature) => {
    const needed = FEATURE_NEEDS[feature];
    return needed === undefined || features.includes(needed);
  });
}
