/**
 * Fields pino replaces with `REDACTED.logField` (src/http/redaction.ts) wherever a request or
 * response is logged (pino-http's `req` / `res` serializers): credentials and cookies of clients
 * and operators.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];
