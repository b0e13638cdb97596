/**
 * The body length a head (a response's or a request's) declares: a number, `undefined` when it
 * declares none, or `null` when its Content-Length fields are invalid or disagree (RFC 9112
 * §6.3: unrecoverable).
 */
export function declaredLength(raw: readonly string[]): number | undefined | null {
  let length: number | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length !== 14 || raw[i].toLowerCase() !== 'content-length') continue;
    const value = raw[i + 1];
    // Nearly every head has one plain number: read without a split, a trim or a regex.
    const parts = value.indexOf(',') === -1 ? [value] : value.split(',');
    for (const part of parts) {
      const n = digitsValue(part);
      if (n === undefined || (length !== undefined && length !== n)) return null;
      length = n;
    }
  }
  return length;
}

const MAX_DIGITS = 15;

/** The number `text` spells with 1 to 15 ASCII digits, spaces and tabs around it allowed; else undefined. */
function digitsValue(text: string): number | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  if (end === start || end - start > MAX_DIGITS) return undefined;
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  return n;
}

// The characters String#trim removes (ECMAScript WhiteSpace and LineTerminator), so that a
// value reads as it did with trim(); a parsed field's value has at most SP and HTAB around it.
function isBlank(code: number): boolean {
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0xfeff || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}
