/**
 * The text HARP writes in place of a secret it will not show, defined once for every surface.
 * Each surface has its own spelling because each is documented and relied on as it is: the
 * inspector's (docs/admin-api.md) and the two kinds of log redaction, which
 * docs/observability.md describes apart.
 */
export const REDACTED = Object.freeze({
  /** A secret header field's value wherever the inspector shows it (API, HAR, events, dashboard). */
  inspector: '[redacted]',
  /** A credential or cookie field of a logged request or response (pino's own default censor). */
  logField: '[Redacted]',
  /** A configured secret (agent key, admin token, Redis password) found inside logged text. */
  logText: '[REDACTED]',
} as const);
