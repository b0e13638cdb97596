/**
 * The selecting request values of a `Vary` match, normalised (RFC 9111 §4.1): two requests
 * select the same stored response when their values "can be transformed" into each other by
 * adding or removing whitespace where the syntax allows it, combining field lines, or
 * "normalizing both header field values in a way that is known to have identical semantics,
 * according to the header field's specification (e.g., reordering field values when order is
 * not significant; case-normalization, where values are defined to be case-insensitive)".
 *
 * Only the proactive-negotiation fields whose semantics RFC 9110 §12.5 defines are normalised
 * beyond whitespace: `Accept`, `Accept-Encoding`, `Accept-Language`. Every other field keeps its
 * value as sent, trimmed, its lines joined with `, ` (a cookie or a user agent string has no
 * list syntax a cache may assume). A value that does not parse as its field's grammar is only
 * split into its list items and trimmed: never a guess at what it means.
 */

/** A list item with its weight (RFC 9110 §12.4.2) in thousandths. */
interface WeightedItem {
  readonly value: string;
  readonly q: number;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;
const LANGUAGE_RANGE = /^(?:[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)$/;
const PARAMETER = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=([!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[^"\\]|\\.)*")$/s;
const OWS = /^[ \t]+|[ \t]+$/g;

/** Per field: the canonical form of one item's value and parameters, or undefined if invalid. */
type ItemNormalizer = (value: string, parameters: readonly string[]) => string | undefined;

const NORMALIZERS: ReadonlyMap<string, ItemNormalizer> = new Map<string, ItemNormalizer>([
  // Content-codings are case-insensitive tokens (RFC 9110 §8.4.1); "identity" and "*" too.
  ['accept-encoding', (value, parameters) => (parameters.length === 0 && TOKEN.test(value) ? value.toLowerCase() : undefined)],
  // Language ranges (RFC 4647 §2.1) are case-insensitive (RFC 9110 §8.5.1).
  ['accept-language', (value, parameters) => (parameters.length === 0 && LANGUAGE_RANGE.test(value) ? value.toLowerCase() : undefined)],
  ['accept', mediaRange],
]);

/**
 * A request's value of one selecting field, normalised; `null` when the field is absent (a
 * backend may answer "absent" and "empty" differently, so they never match).
 */
export function normalizedFieldValue(name: string, value: string | readonly string[] | undefined): string | null {
  if (value === undefined) return null;
  const joined = typeof value === 'string' ? value.replace(OWS, '') : value.map((line) => line.replace(OWS, '')).join(', ');
  const normalizer = NORMALIZERS.get(name);
  if (normalizer === undefined) return joined;
  const items = listItems(joined);
  return weightedList(items, normalizer) ?? items.join(', ');
}

/**
 * The items of a comma-separated list (RFC 9110 §5.6.1), trimmed, empty ones dropped; commas
 * inside quoted strings do not split.
 */
function listItems(value: string): string[] {
  return splitOutsideQuotes(value, ',')
    .map((item) => item.replace(OWS, ''))
    .filter((item) => item !== '');
}

/**
 * The canonical weighted list, or undefined when an item does not parse or when one value is
 * listed with two weights (which one a backend takes is up to the backend).
 *
 * Items are ordered by weight, highest first: a weight states the preference, so order
 * between different weights is not significant (RFC 9110 §12.4.2). Items of equal weight keep
 * the order the client sent: RFC 9110 does not rank them, and common negotiators
 * (`negotiator` behind Express, Django's `get_language_from_request`) break the tie by
 * position, so `fr, en` and `en, fr` can get different responses. `q=1` is implied and dropped,
 * other weights are written without trailing zeros (`q=0.50` is `q=0.5`); `q=0` stays, it
 * means "not acceptable". Exact repeats are dropped.
 */
function weightedList(items: readonly string[], normalize: ItemNormalizer): string | undefined {
  const seen = new Map<string, number>();
  const kept: WeightedItem[] = [];
  for (const item of items) {
    const parsed = weightedItem(item, normalize);
    if (parsed === undefined) return undefined;
    const earlier = seen.get(parsed.value);
    if (earlier !== undefined) {
      if (earlier !== parsed.q) return undefined;
      continue;
    }
    seen.set(parsed.value, parsed.q);
    kept.push(parsed);
  }
  // Array.prototype.sort is stable: equal weights keep the client's order.
  kept.sort((a, b) => b.q - a.q);
  return kept.map(({ value, q }) => (q === 1000 ? value : `${value};q=${formatWeight(q)}`)).join(', ');
}

function weightedItem(item: string, normalize: ItemNormalizer): WeightedItem | undefined {
  const [head, ...rest] = splitOutsideQuotes(item, ';').map((part) => part.replace(OWS, ''));
  const parameters = [...rest];
  let q = 1000;
  const last = parameters.at(-1);
  if (last !== undefined && /^q=/i.test(last)) {
    const weight = last.slice(2);
    if (!QVALUE.test(weight)) return undefined;
    q = Math.round(Number(weight) * 1000);
    parameters.pop();
  }
  // A weight anywhere but last, or twice, is not the grammar (RFC 9110 §12.5.1: the weight
  // ends the item); a media type has no `q` parameter.
  if (parameters.some((parameter) => /^q=/i.test(parameter))) return undefined;
  const value = normalize(head!, parameters);
  return value === undefined ? undefined : { value, q };
}

/**
 * A media range (RFC 9110 §12.5.1, §8.3.1): type and subtype are case-insensitive, and so are
 * parameter names; parameter values are kept as sent (their case may matter) except `charset`,
 * which is case-insensitive (§8.3.2), and a quoted value that is also a token is unquoted
 * (§5.6.6: the two forms are equivalent). Parameters keep their order.
 */
function mediaRange(value: string, parameters: readonly string[]): string | undefined {
  const slash = value.indexOf('/');
  if (slash === -1) return undefined;
  const [type, subtype] = [value.slice(0, slash), value.slice(slash + 1)];
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  const out = [`${type.toLowerCase()}/${subtype.toLowerCase()}`];
  for (const parameter of parameters) {
    if (parameter === '') continue;
    const match = PARAMETER.exec(parameter);
    if (!match) return undefined;
    const name = match[1]!.toLowerCase();
    let text = match[2]!;
    if (text.startsWith('"')) {
      const unquoted = text.slice(1, -1).replace(/\\(.)/gs, '$1');
      if (TOKEN.test(unquoted)) text = unquoted;
    }
    out.push(`${name}=${name === 'charset' ? text.toLowerCase() : text}`);
  }
  return out.join(';');
}

function formatWeight(thousandths: number): string {
  return String(thousandths / 1000);
}

/** Splits on `separator` outside quoted strings (backslash escapes honoured inside them). */
function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (quoted && char === '\\' && i + 1 < value.length) {
      current += char + value[++i]!;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}
