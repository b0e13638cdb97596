/**
 * Header fields that describe one connection, not the message (RFC 9110 §7.6.1): a proxy must
 * not forward them. `Connection` may name further fields that are hop-by-hop for this message;
 * those go too. `Proxy-Connection` and `Keep-Alive` are legacy but still sent by real clients.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Lowercased field names listed in the `Connection` fields of a raw header list. */
function connectionTokens(raw: readonly string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length !== 10 || raw[i].toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1].split(',')) {
      const name = token.trim().toLowerCase();
      if (name) (tokens ??= new Set()).add(name);
    }
  }
  // Host is what the request was routed on; a client naming it in Connection (which RFC 9110
  // §7.6.1 forbids for end-to-end fields) must not make the backend read another host.
  tokens?.delete('host');
  return tokens;
}

/** Calls `keep(i)` for the index of each end-to-end field of a raw list: one pass, no copies. */
function forEachEndToEnd(raw: readonly string[], alsoDrop: ReadonlySet<string> | undefined, keep: (i: number) => void): void {
  const named = connectionTokens(raw);
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(lower) || named?.has(lower) || alsoDrop?.has(lower)) continue;
    keep(i);
  }
}

/**
 * The end-to-end fields of a header list, in their original order and spelling: every
 * hop-by-hop field is removed, and so is every field whose lowercased name is in `alsoDrop`.
 * Input and output are Node's raw form, `[name, value, name, value, …]`.
 */
export function endToEnd(raw: readonly string[], alsoDrop?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  forEachEndToEnd(raw, alsoDrop, (i) => out.push(raw[i], raw[i + 1]));
  return out;
}

/** {@link endToEnd}, as `[name, value]` pairs (the tunnel's head form). */
export function endToEndPairs(raw: readonly string[], alsoDrop?: ReadonlySet<string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  forEachEndToEnd(raw, alsoDrop, (i) => out.push([raw[i], raw[i + 1]]));
  return out;
}

/** `[[name, value], …]` → `[name, value, …]`. */
export function flatten(fields: readonly (readonly [string, string])[]): string[] {
  const out: string[] = [];
  for (const [name, value] of fields) out.push(name, value);
  return out;
}
