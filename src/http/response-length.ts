/**
 * The body length a head (a response's or a request's) declares: a number, `undefined` when it
 * declares none, or `null` when its Content-Length fields are invalid or disagree (RFC 9112
 * §6.3: unrecoverable).
 */
export function declaredLength(raw: readonly string[]): number | undefined | null {
  let length: number | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length !== 14 || raw[i].toLowerCase() !== 'content-length') continue;
    for (const part of raw[i + 1].split(',')) {
      const text = part.trim();
      if (!/^\d{1,15}$/.test(text)) return null;
      const n = Number(text);
      if (length !== undefined && length !== n) return null;
      length = n;
    }
  }
  return length;
}
