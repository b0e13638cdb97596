import type { FrameType } from './constants.js';

/**
 * A header field as it travels: name and value are latin1 strings, which is how Node hands out
 * HTTP header bytes, so every byte round-trips unchanged. Order and repetition are kept.
 */
export type HeaderField = readonly [name: string, value: string];

/** The head of a public request, as the proxy forwards it to an agent. */
export interface RequestHead {
  readonly method: string;
  /** The request target exactly as received: path and query (origin form). */
  readonly target: string;
  readonly headers: readonly HeaderField[];
}

/** The head of a backend's response, as the agent returns it. */
export interface ResponseHead {
  readonly status: number;
  /** The reason phrase; may be empty. */
  readonly reason: string;
  readonly headers: readonly HeaderField[];
}

interface FrameBase {
  readonly streamId: number;
  readonly flags: number;
}

export interface DataFrame extends FrameBase {
  readonly type: FrameType.Data;
  readonly payload: Buffer;
}
export interface RequestHeadFrame extends FrameBase {
  readonly type: FrameType.RequestHead;
  readonly head: RequestHead;
}
export interface ResponseHeadFrame extends FrameBase {
  readonly type: FrameType.ResponseHead;
  readonly head: ResponseHead;
}
/** TRAILERS: the trailer fields of the sender's direction; always carries END_STREAM. */
export interface TrailersFrame extends FrameBase {
  readonly type: FrameType.Trailers;
  readonly fields: readonly HeaderField[];
}
export interface WindowUpdateFrame extends FrameBase {
  readonly type: FrameType.WindowUpdate;
  readonly increment: number;
}
export interface ResetFrame extends FrameBase {
  readonly type: FrameType.Reset;
  readonly code: number;
  readonly reason: string;
}
export interface ControlFrame extends FrameBase {
  readonly type: FrameType.Control;
  /** The parsed JSON object; validated against the message catalogue by `parseControl`. */
  readonly message: unknown;
}

/** Every frame the codec knows, discriminated by `type`. */
export type Frame =
  | DataFrame
  | RequestHeadFrame
  | ResponseHeadFrame
  | TrailersFrame
  | WindowUpdateFrame
  | ResetFrame
  | ControlFrame;
