import { ParseError, Token, isInnerList, parseDictionary, type BareItem, type Dictionary } from 'structured-headers';

/**
 * Structured Field Dictionaries (RFC 8941 §4.2.2) as targeted cache-control fields need them
 * (RFC 9213 §2.1), over the `structured-headers` parser. Parameters are checked by the parser
 * (a malformed one fails the field) but not returned: RFC 9213 says to ignore them. Any error
 * fails the whole field, which the caller then ignores as if it were absent.
 */

/** One member's value, with the Structured Field type it had on the wire. */
export type SfValue =
  | { readonly type: 'integer' | 'decimal'; readonly value: number }
  | { readonly type: 'string' | 'token'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bytes' | 'inner-list' };

/**
 * RFC 9213 builds on RFC 8941, which has no Date (`@1`) or Display String (`%"x"`); the library
 * parses RFC 9651, which added them, so a field holding one is failed here. The text is tested
 * rather than the parsed result, which loses a member that a repeated key overwrote: outside
 * strings, `@` and `%"` begin nothing else (neither occurs in a key, token or byte sequence).
 */
const RFC_9651_ONLY = /@|%"/;

/** Parses a dictionary; undefined when the text is not one (RFC 8941 §4.2: parsing fails). */
export function parseSfDictionary(text: string): Map<string, SfValue> | undefined {
  let members: Dictionary;
  try {
    members = parseDictionary(text);
  } catch (error) {
    if (error instanceof ParseError) return undefined;
    throw error;
  }
  const outsideStrings = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  if (RFC_9651_ONLY.test(outsideStrings)) return undefined;
  const decimals = decimalMembers(outsideStrings);
  const out = new Map<string, SfValue>();
  for (const [key, member] of members) {
    out.set(key, isInnerList(member) ? { type: 'inner-list' } : sfValue(member[0], decimals.has(key)));
  }
  return out;
}

function sfValue(item: BareItem, decimal: boolean): SfValue {
  if (typeof item === 'number') return { type: decimal ? 'decimal' : 'integer', value: item };
  if (typeof item === 'string') return { type: 'string', value: item };
  if (typeof item === 'boolean') return { type: 'boolean', value: item };
  if (item instanceof Token) return { type: 'token', value: item.toString() };
  return { type: 'bytes' };
}

/**
 * Keys whose (last) member value is written as a Decimal. The library returns both Integers and
 * Decimals as JavaScript numbers, so `max-age=60.0` would look like the Integer 60, yet RFC 9213
 * §2.1 gives `max-age` an Integer value and says a value of another type is not consumed.
 *
 * Only called on text the library accepted, with its strings blanked. There a comma can only
 * separate dictionary members (tokens, byte sequences and inner lists hold none), and a member
 * key follows each, so a member value is the text after `key=` there; parameters follow `;`.
 */
function decimalMembers(outsideStrings: string): Set<string> {
  const decimals = new Set<string>();
  const memberStart = /(?:^|,)[ \t]*([a-z*][a-z0-9_.*-]*)(=-?\d+\.)?/g;
  for (const [, key, decimal] of outsideStrings.matchAll(memberStart)) {
    // A repeated key overwrites the earlier value (RFC 8941 §4.2.2), so the last one decides.
    if (decimal === undefined) decimals.delete(key!);
    else decimals.add(key!);
  }
  return decimals;
}
