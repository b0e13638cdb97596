/**
 * Wire constants of the HARP tunnel protocol. `docs/protocol.md` is normative; the sentences in
 * these comments quote it. Every value here is pinned by `constants.spec.ts`.
 */

/** The protocol version carried in byte 0 of every frame. */
export const PROTOCOL_VERSION = 1;

/** "Every frame starts with an 8-byte header: version, type, flags, reserved, stream id." */
export const FRAME_HEADER_BYTES = 8;

/** The WebSocket subprotocol an agent offers when it connects. */
export const SUBPROTOCOL = 'harp.v1';

/** The path of the agent endpoint on the proxy's public port. */
export const CONNECT_PATH = '/_harp/connect';

/** Frame types (byte 1). */
export enum FrameType {
  /** "A chunk of body bytes of one stream; END_STREAM marks the sender's last frame." */
  Data = 0x00,
  /** "Opens a stream: the public request's method, target and header fields (proxy → agent)." */
  RequestHead = 0x01,
  /** "The backend's status and header fields for a stream (agent → proxy)." */
  ResponseHead = 0x02,
  /** "Grants the peer permission to send more DATA bytes on a stream." */
  WindowUpdate = 0x03,
  /** "Aborts a stream in both directions, with a code and a short reason." */
  Reset = 0x04,
  /**
   * "The sender's trailer fields for a stream, after its last DATA; it ends the sender's
   * direction." Only on a connection that negotiated `trailers` (§3.5).
   */
  Trailers = 0x05,
  /** "A JSON control message on stream 0 (hello, welcome, register, drain, …)." */
  Control = 0x10,
}

/** Frame flags (byte 2). */
export enum FrameFlag {
  None = 0x00,
  /** "The sender will send nothing more on this stream after this frame." */
  EndStream = 0x01,
}

/** Codes carried by RESET frames. */
export enum ResetCode {
  /** "The sender no longer wants the stream (the public client went away)." */
  Cancel = 1,
  /** "The agent's upstream failed or answered something that cannot be relayed." */
  UpstreamError = 2,
  /** "The receiver did not process the stream at all; it may be retried elsewhere." */
  Refused = 3,
  /** "The peer broke the protocol on this stream." */
  ProtocolError = 4,
  /** "The peer sent more DATA than its window allowed." */
  FlowControlError = 5,
  /** "A time limit expired." */
  Timeout = 6,
  /** "A body exceeded a size limit." */
  TooLarge = 7,
  /** "Anything else that went wrong inside the sender." */
  Internal = 8,
  /**
   * "The agent could not reach its upstream: nothing of the request was sent to it; it may be
   * retried elsewhere."
   */
  UpstreamUnreachable = 9,
}

/** WebSocket close codes the proxy and agent use (4000–4999 are free for applications). */
export enum CloseCode {
  Normal = 1000,
  GoingAway = 1001,
  ProtocolError = 1002,
  MessageTooBig = 1009,
  /** "The key was missing or wrong; the agent must not retry with it." */
  Unauthorized = 4401,
  /** "No hello arrived in time." */
  HelloTimeout = 4408,
  /** "The agent missed its heartbeats." */
  HeartbeatTimeout = 4409,
  /** "An operator disconnected the agent." */
  Kicked = 4410,
}

/** The largest stream id; ids are unsigned 32-bit, 0 is the control stream. */
export const MAX_STREAM_ID = 0xffff_ffff;

/** The largest value of a length-prefixed string in a head block (u16 length). */
export const MAX_HEAD_STRING_BYTES = 0xffff;

/** The largest number of header fields one head may carry (u16 count). */
export const MAX_HEAD_FIELDS = 0xffff;

/**
 * The WebSocket handshake request header in which an agent lists the optional features it
 * implements (§3.5); the proxy answers with those it will use in `welcome`'s `features`.
 */
export const FEATURES_HEADER = 'Harp-Features';

/** Optional features of version 1, negotiated per connection (§3.5). */
export const TUNNEL_FEATURES = ['interim', 'trailers', 'continue', 'subdomains'] as const;
export type TunnelFeature = (typeof TUNNEL_FEATURES)[number];

/**
 * "A feature that builds on another is used only when the connection uses that one too" (§3.5):
 * `continue` sends the backend's `100 Continue` as an interim head, so it needs `interim`.
 */
export const FEATURE_NEEDS: Readonly<Partial<Record<TunnelFeature, TunnelFeature>>> = { continue: 'interim' };

/**
 * "A RESPONSE_HEAD whose status is 1xx other than 101 is an interim response": zero or more
 * come before the final head of a stream (§5.4).
 */
export function isInterimStatus(status: number): boolean {
  return status >= 100 && status <= 199 && status !== 101;
}
