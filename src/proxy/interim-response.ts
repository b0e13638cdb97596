import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResponseHead } from '../protocol/index.js';
import { writableField } from '../http/trailer-fields.js';

/** Fields an interim response never carries on: they describe one connection (RFC 9110 §7.6.1). */
const HOP_FIELDS: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length']);

/**
 * Passes a backend's interim (1xx) response on to the client before the final one, as RFC 9110
 * §15.2 asks of a proxy; returns whether it was written. It is written on its own, so none of
 * its fields reach the final head, and never after that head.
 *
 * - `103 Early Hints` (RFC 8297) goes out with its fields. Node writes a 103 only with a `Link`
 *   field, so one without is dropped.
 * - `102 Processing` goes out without fields (Node's `writeProcessing`), on HTTP/1.1 only.
 * - `100 Continue` is not written here: it answers the client's `Expect`, which the proxy
 *   answers itself or, through a tunnel with the `continue` feature, passes on; then the
 *   exchange writes the backend's first 100 (proxy-exchange.ts). Any other 100 is dropped.
 * - Other 1xx codes (unassigned) are dropped: Node offers no way to write them.
 * - Nothing goes to an HTTP/1.0 client: "a server MUST NOT send a 1xx response to an HTTP/1.0
 *   client" (RFC 9110 §15.2).
 */
export function writeInterim(req: IncomingMessage, res: ServerResponse, head: ResponseHead): boolean {
  if (res.headersSent || res.writableEnded || res.destroyed) return false;
  if (req.httpVersionMajor === 1 && req.httpVersionMinor === 0) return false;
  if (head.status === 102) {
    // An HTTP/2 response (Node's compatibility API) has no writeProcessing: the 102 is dropped.
    if (typeof res.writeProcessing !== 'function') return false;
    res.writeProcessing();
    return true;
  }
  if (head.status !== 103) return false;
  const hints = earlyHints(head.headers);
  if (!hints) return false;
  try {
    res.writeEarlyHints(hints);
  } catch {
    return false; // a Link value Node will not write: the hint is only a hint
  }
  return true;
}

/**
 * The 103's fields as `writeEarlyHints` takes them, or undefined without a `Link`. Node writes
 * the values of fields other than `Link` unchecked, so each must be writable as it is.
 */
function earlyHints(fields: ResponseHead['headers']): Record<string, string | string[]> | undefined {
  const hints: Record<string, string[]> = {};
  for (const [name, value] of fields) {
    const lower = name.toLowerCase();
    if (HOP_FIELDS.has(lower) || !writableField(name, value)) continue;
    (hints[lower] ??= []).push(value);
  }
  if (!hints.link) return undefined;
  const out: Record<string, string | string[]> = { link: hints.link };
  for (const [name, values] of Object.entries(hints)) {
    if (name !== 'link') out[name] = values.join(', ');
  }
  return out;
}
