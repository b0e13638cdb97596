import type { SecureServerOptions } from 'node:http2';
import type { HarpConfig } from '../config/index.js';
import { MAX_REQUEST_HEADER_FIELDS } from '../proxy/proxy-settings.js';

/**
 * HARP's limits against HTTP/2 abuse on the TLS port, all set here explicitly rather than left
 * to Node's defaults (docs/security.md, "HTTP/2", explains each).
 */
export const HTTP2_LIMITS = {
  /** SETTINGS_MAX_CONCURRENT_STREAMS: streams past it are refused (RST_STREAM REFUSED_STREAM). */
  maxConcurrentStreams: 100,
  /** Megabytes one session may hold in Node's HTTP/2 buffers before new streams are refused. */
  maxSessionMemoryMb: 16,
  /** Unanswered PINGs the proxy itself may have out (Node: `maxOutstandingPings`). */
  maxOutstandingPings: 10,
  /** Entries allowed in one SETTINGS frame (Node: `maxSettings`). */
  maxSettingsEntries: 32,
  /** Malformed frames, and streams refused, before Node closes the session. */
  maxInvalidFrames: 100,
  maxRejectedStreams: 100,
  /**
   * Streams the client resets (RST_STREAM; CVE-2023-44487, "rapid reset"): a burst, then a
   * rate per second. Past it the session is closed with GOAWAY ENHANCE_YOUR_CALM. A browser
   * that navigates away cancels its streams once; a flood runs out of budget in milliseconds.
   */
  resetBurst: 200,
  resetsPerSecond: 20,
  /** SETTINGS frames the client sends: each costs an acknowledgement (CVE-2019-9515). */
  settingsBurst: 50,
  settingsPerSecond: 5,
  /** PING frames the client sends: each costs an answer (CVE-2019-9512). */
  pingBurst: 50,
  pingsPerSecond: 5,
} as const;

/** Node's HTTP/2 options of the TLS port, from the limits above and the configuration. */
export function http2ServerOptions(config: HarpConfig): SecureServerOptions {
  const limits = HTTP2_LIMITS;
  return {
    // HTTP/1.1 clients (ALPN http/1.1, or none) keep node:http's objects on the same port.
    allowHTTP1: true,
    settings: {
      maxConcurrentStreams: limits.maxConcurrentStreams,
      // The same bound as an HTTP/1.1 head: maxHeaderBytes of uncompressed fields.
      maxHeaderListSize: config.maxHeaderBytes,
      enablePush: false,
      // WebSockets over HTTP/2 (RFC 8441) are not offered: clients use HTTP/1.1 for them.
      enableConnectProtocol: false,
    },
    // One more field than the proxy accepts, and the four pseudo-header fields, so that the
    // proxy sees a request with too many fields and answers 431 itself.
    maxHeaderListPairs: MAX_REQUEST_HEADER_FIELDS + 1 + 4,
    maxSessionMemory: limits.maxSessionMemoryMb,
    maxOutstandingPings: limits.maxOutstandingPings,
    maxSettings: limits.maxSettingsEntries,
    maxSessionInvalidFrames: limits.maxInvalidFrames,
    maxSessionRejectedStreams: limits.maxRejectedStreams,
    // A client that offers only protocols the port does not speak is closed this soon.
    unknownProtocolTimeout: config.headersTimeoutMs,
  };
}
