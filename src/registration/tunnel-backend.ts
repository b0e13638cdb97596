import type { RequestHead, TunnelFeature } from '../protocol/index.js';
import type { RouteBackend } from '../routing/route-backend.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';

/** A routed backend that carries requests as tunnel streams: an agent's connection. */
export interface TunnelBackend extends RouteBackend {
  openStream(head: RequestHead, endStream: boolean): TunnelStream;
  /** The optional features its tunnel negotiated (docs/protocol.md §3.5); undefined for none offered. */
  readonly features?: readonly TunnelFeature[];
}
