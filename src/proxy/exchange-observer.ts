import type { ResponseHead } from '../protocol/index.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';
import type { ProxyError } from './proxy-errors.js';

// What a caller of ProxyExchange.forward can ask of it: the cache watches exchanges through
// this contract, without the exchange knowing anything about caching.

/** Fields to take out of and put into the forwarded request (a cache's revalidation). */
export interface RequestAdjustment {
  /**
   * Lowercased names of the client's fields to leave out. The fields the proxy sets itself
   * (forwarding facts, `X-Request-ID`, `Expect`) are added after, and never removed.
   */
  readonly remove: ReadonlySet<string>;
  readonly add: ReadonlyArray<readonly [string, string]>;
}

/** Collects a response body while it is relayed; told at the end whether it arrived whole. */
export interface BodyTap {
  push(chunk: Buffer): void;
  end(complete: boolean): void;
}

/** What an observer wants done with the backend's response. */
export type HeadDirective =
  /** Relay it, with these fields added and the body shown to `tap`. */
  | { readonly answered: false; readonly addFields?: readonly string[]; readonly tap?: BodyTap }
  /** The observer answered the client itself (e.g. from the cache after a 304). */
  | { readonly answered: true };

/**
 * Watches an exchange on behalf of the cache: sees the response head before the client does,
 * may answer instead of a failure, and names the fields every answer carries.
 */
export interface ExchangeObserver {
  /** Fields added to error pages of this exchange (e.g. `Cache-Status`). */
  readonly errorFields?: readonly string[];
  /** @param fields the response's end-to-end fields, in Node's raw form */
  onHead(head: ResponseHead, fields: readonly string[]): HeadDirective;
  /** The exchange failed before a response head reached the client; true if it answered. */
  onFailure?(error: ProxyError): boolean;
  /** The exchange is over, however it ended (after the tap's `end`). Called once. */
  onDone?(): void;
}

/** How `ProxyExchange.forward` sends the request. */
export interface ForwardOptions {
  readonly adjust?: RequestAdjustment;
  readonly observer?: ExchangeObserver;
  /**
   * Makes this a protocol upgrade: the stream stays open for bytes after the head, and a `101`
   * answer is handed here (with the stream) instead of being relayed as a response. Any other
   * answer is relayed as usual.
   */
  readonly onUpgrade?: (head: ResponseHead, stream: TunnelStream) => void;
}
