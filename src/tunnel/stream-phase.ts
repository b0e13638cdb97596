/**
 * Where a stream is in its lifecycle (docs/protocol.md §5.2). "Local" is this side's sending
 * direction (the request body on the proxy, the response on the agent), "remote" the peer's.
 */
export type StreamPhase =
  /** Opened, and neither direction has ended. */
  | 'open'
  /** This side's direction has ended ("a direction ends with the first frame that carries END_STREAM"); the peer's has not. */
  | 'half-closed-local'
  /** The peer's direction has ended; this side still sends. */
  | 'half-closed-remote'
  /** "both directions ended: the stream is closed". */
  | 'closed'
  /** "RESET, either way: aborts both directions at once", and so does the WebSocket closing. */
  | 'reset';

/** What moves a stream on: END_STREAM in either direction, or a RESET sent, received or implied. */
export type StreamEvent = 'local-end' | 'remote-end' | 'reset';

/**
 * The stream lifecycle's transitions. An end that repeats changes nothing; a reset is final.
 * A `closed` stream may still become `reset`: this side can reset a stream whose two ends have
 * both been seen before it was destroyed, and the RESET it then sends is one the peer ignores
 * (§5.1, frames for a closed stream).
 */
export function nextPhase(phase: StreamPhase, event: StreamEvent): StreamPhase {
  if (phase === 'reset' || event === 'reset') return 'reset';
  switch (phase) {
    case 'open':
      return event === 'local-end' ? 'half-closed-local' : 'half-closed-remote';
    case 'half-closed-local':
      return event === 'remote-end' ? 'closed' : phase;
    case 'half-closed-remote':
      return event === 'local-end' ? 'closed' : phase;
    case 'closed':
      return phase;
  }
}

/** Whether the stream's life is over: the connection forgets it. */
export function isFinal(phase: StreamPhase): boolean {
  return phase === 'closed' || phase === 'reset';
}

/** The phases that tell which directions have ended: all but `reset`. */
export type EndsPhase = Exclude<StreamPhase, 'reset'>;

/** Whether this side's direction has ended. */
export function localEnded(phase: EndsPhase): boolean {
  return phase === 'half-closed-local' || phase === 'closed';
}

/** Whether the peer's direction has ended. */
export function remoteEnded(phase: EndsPhase): boolean {
  return phase === 'half-closed-remote' || phase === 'closed';
}
