/**
 * The Content-Security-Policy of every dashboard file. Everything comes from HARP itself; no
 * inline script or style, no plugins, no `<base>` rewriting, no form posts (the token form is
 * handled by script), and no framing (clickjacking of the Drain and Disconnect buttons).
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers sent with every dashboard file. `no-cache` lets a browser keep a copy but makes it
 * ask (with the ETag) before each use, so a new version of the proxy is seen at once.
 */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-cache',
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
