// RFC 3986 §2.3: unreserved characters, whose percent-encoded and plain forms are the same URI.
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The paths an operator's `paths` expressions (access rules, rate-limit rules) are tried on: the
 * raw path, as routes see it, and, when it differs, the path a backend may read it as: unreserved characters decoded
 * (RFC 3986 §6.2.2.2), empty segments collapsed, `.` and `..` segments removed (§5.2.4). A rule
 * applies when any of them matches, so `/%61dmin`, `//admin` or `/x/../admin` cannot slip past a
 * rule written for `/admin`: matching more only ever adds demands.
 */
export function pathForms(raw: string): string[] {
  const decoded = raw.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
  const segments: string[] = [];
  const parts = decoded.split('/').slice(1);
  parts.forEach((segment, i) => {
    const last = i === parts.length - 1;
    if (segment === '..') segments.pop();
    else if (segment !== '.' && (segment !== '' || last)) segments.push(segment);
    if (last && (segment === '.' || segment === '..')) segments.push('');
  });
  const normalized = `/${segments.join('/')}`;
  return normalized === raw ? [raw] : [raw, normalized];
}
