import type { RequestHead } from '../protocol/index.js';
import type { RouteBackend } from '../routing/route-backend.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';

/** A routed backend that carries requests as tunnel streams: an agent's connection. */
export interface TunnelBackend extends RouteBackend {
  openStream(head: RequestHead, endStream: boolean): TunnelStream;
}
