import type { TunnelFeature } from '../protocol/index.js';

/**
 * Who sends the client the `100 Continue` its `Expect: 100-continue` asks for
 * (RFC 9110 §10.1.1, docs/protocol.md §5.4.1):
 *
 * - `backend`: the proxy passes `Expect` on and relays the backend's own 100 (an interim head),
 *   so that a backend that refuses the upload (417, 401, 413) is asked before the client sends
 *   it. Only over a tunnel with the `continue` feature, and only for a request with a body:
 *   without one there is nothing to invite.
 * - `proxy`: the proxy answers the expectation itself once the request is routed, as it did
 *   before the feature: an agent that predates it, or a request without a body.
 * - `none`: the server did not hold a 100 back (no `Expect: 100-continue`, or an HTTP/1.0
 *   client, which Node never asks about).
 *
 * HTTP/1.1 and HTTP/2 clients alike: an HTTP/2 stream's 100 is a HEADERS frame that Node's
 * compatibility response writes the same way (`writeContinue`).
 */
export type ContinueSender = 'backend' | 'proxy' | 'none';

/** What the choice of {@link continueSender} depends on, read off the request and its member. */
export interface ContinueQuestion {
  /** Node held the 100 back for this request (the server's `checkContinue` event). */
  readonly held: boolean;
  /** The request has a body (Content-Length other than 0, chunked, or HTTP/2 DATA). */
  readonly hasBody: boolean;
  /** The features the member's tunnel negotiated; undefined when its handshake offered none. */
  readonly features: readonly TunnelFeature[] | undefined;
}

export function continueSender({ held, hasBody, features }: ContinueQuestion): ContinueSender {
  if (!held) return 'none';
  if (!hasBody) return 'proxy';
  return features?.includes('continue') === true ? 'backend' : 'proxy';
}
