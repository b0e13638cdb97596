/**
 * Byte ranges (RFC 9110 §14): parsing `Range`, judging it against a representation's length and
 * writing `Content-Range`. Pure: the cache answers ranged GETs from a stored body with these.
 */

/** One range-spec of `Range: bytes=…` (RFC 9110 §14.1.1), positions as written. */
export type ByteRangeSpec =
  /** `first-last` or `first-` (`last` absent): an int-range. */
  | { readonly first: bigint; readonly last?: bigint }
  /** `-n`: the last n bytes, a suffix-range. */
  | { readonly suffix: bigint };

/** A satisfiable range of a representation: inclusive byte positions, as in `Content-Range`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * What a `Range` asks of a representation of a known length:
 * - `whole`: serve the whole representation (200), as a server MAY (§14.2) — several ranges that
 *   do not coalesce into one, or a suffix of an empty representation (no 206 can describe it);
 * - `partial`: one range (206, §15.3.7), several overlapping or adjacent ranges coalesced;
 * - `unsatisfiable`: no range-spec is satisfiable (416, §15.5.17).
 */
export type RangeSelection =
  | { readonly kind: 'whole' }
  | { readonly kind: 'partial'; readonly range: ByteRange }
  | { readonly kind: 'unsatisfiable' };

const UNIT_AND_SET = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=(.*)$/s;
const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;
const OWS = /^[ \t]+|[ \t]+$/g;

/**
 * Parses a `Range` field value as byte ranges. Undefined when there is none to honour: the
 * field is absent, names another unit than `bytes` (units are case-insensitive, §14.1), or is
 * invalid (§14.1.1: no range-spec, a spec that is not an int-range or suffix-range, `last < first`,
 * whitespace inside a spec or around `=`) — a server MAY ignore such a field (§14.2), and ignoring
 * it is always correct. Empty list elements are skipped (§5.6.1); repeated field lines arrive
 * joined, which makes `bytes=` appear twice and the value invalid.
 */
export function parseRange(value: string | readonly string[] | undefined): ByteRangeSpec[] | undefined {
  if (value === undefined) return undefined;
  const text = (typeof value === 'string' ? value : value.join(', ')).replace(OWS, '');
  const match = UNIT_AND_SET.exec(text);
  if (!match || match[1]!.toLowerCase() !== 'bytes') return undefined;
  const specs: ByteRangeSpec[] = [];
  for (const element of match[2]!.split(',')) {
    const part = element.replace(OWS, '');
    if (part === '') continue;
    const spec = parseSpec(part);
    if (spec === undefined) return undefined;
    specs.push(spec);
  }
  return specs.length > 0 ? specs : undefined;
}

function parseSpec(part: string): ByteRangeSpec | undefined {
  const suffix = SUFFIX_RANGE.exec(part);
  if (suffix) return { suffix: BigInt(suffix[1]!) };
  const int = INT_RANGE.exec(part);
  if (!int) return undefined;
  const first = BigInt(int[1]!);
  if (int[2] === '') return { first };
  const last = BigInt(int[2]!);
  return last < first ? undefined : { first, last };
}

/**
 * The part of a representation of `length` bytes that `specs` select (§14.1.2): an int-range is
 * satisfiable when `first < length` (its `last` is capped at the end); a suffix-range when its
 * length is non-zero (the whole representation when it asks for more). Satisfiable ranges that
 * overlap or touch are coalesced (§15.3.7.2 allows it); if one range remains it is the answer,
 * several disjoint ones get the whole representation (see {@link RangeSelection}).
 */
export function selectRange(specs: readonly ByteRangeSpec[], length: number): RangeSelection {
  const size = BigInt(length);
  const ranges: Array<{ start: bigint; end: bigint }> = [];
  let emptySuffix = false;
  for (const spec of specs) {
    if ('suffix' in spec) {
      if (spec.suffix === 0n) continue;
      if (size === 0n) emptySuffix = true;
      else ranges.push({ start: spec.suffix >= size ? 0n : size - spec.suffix, end: size - 1n });
    } else if (spec.first < size) {
      const last = spec.last === undefined || spec.last >= size ? size - 1n : spec.last;
      ranges.push({ start: spec.first, end: last });
    }
  }
  if (ranges.length === 0) return emptySuffix ? { kind: 'whole' } : { kind: 'unsatisfiable' };
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const first = ranges[0]!;
  let end = first.end;
  for (const next of ranges.slice(1)) {
    if (next.start > end + 1n) return { kind: 'whole' };
    if (next.end > end) end = next.end;
  }
  return { kind: 'partial', range: { start: Number(first.start), end: Number(end) } };
}

/** `Content-Range` of a 206 (§14.4): `bytes first-last/complete-length`. */
export function contentRange(range: ByteRange, length: number): string {
  return `bytes ${range.start}-${range.end}/${length}`;
}

/** `Content-Range` of a 416 (§14.4, §15.5.17): `bytes *` then `/complete-length`. */
export function unsatisfiedRange(length: number): string {
  return `bytes */${length}`;
}
