/**
 * Helpers over Node's raw header form, `[name, value, name, value, …]`, which keeps the original
 * spelling, order and repeated fields that the cache must replay faithfully.
 */

/** The values of every field named `lowerName` (case-insensitive), in order. */
export function fieldValues(raw: readonly string[], lowerName: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === lowerName.length && raw[i]!.toLowerCase() === lowerName) out.push(raw[i + 1]!);
  }
  return out;
}

/**
 * The combined value of a list-valued field (RFC 9110 §5.3: lines joined with `, `), or undefined
 * when the field is absent.
 */
export function combinedValue(raw: readonly string[], lowerName: string): string | undefined {
  // Read for several fields of every response the cache judges, most of them absent: no list.
  let combined: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length !== lowerName.length || raw[i]!.toLowerCase() !== lowerName) continue;
    combined = combined === undefined ? raw[i + 1]! : `${combined}, ${raw[i + 1]!}`;
  }
  return combined;
}

/** How many fields are named `lowerName` (case-insensitive). */
export function fieldCount(raw: readonly string[], lowerName: string): number {
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === lowerName.length && raw[i]!.toLowerCase() === lowerName) count++;
  }
  return count;
}

/** The value of the first field named `lowerName` (case-insensitive), or undefined. */
export function firstFieldValue(raw: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === lowerName.length && raw[i]!.toLowerCase() === lowerName) return raw[i + 1]!;
  }
  return undefined;
}

/** True when a field named `lowerName` is present. */
export function hasField(raw: readonly string[], lowerName: string): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === lowerName.length && raw[i]!.toLowerCase() === lowerName) return true;
  }
  return false;
}

/** The list without the fields whose lowercased names are in `drop`, order kept. */
export function withoutFields(raw: readonly string[], drop: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!drop.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}
