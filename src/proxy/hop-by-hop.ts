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

/** Lowercased field names listed in the `Connection` fields of a header list. */
function connectionTokens(names: readonly string[], values: readonly string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < names.length; i++) {
    if (names[i].length !== 10 || names[i].toLowerCase() !== 'connection') continue;
    for (const token of values[i].split(',')) {
      const name = token.trim().toLowerCase();
      if (name) (tokens ??= new Set()).add(name);
    }
  }
  return tokens;
}

function split(raw: readonly string[]): [string[], string[]] {
  const names: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    names.push(raw[i]);
    values.push(raw[i + 1]);
  }
  return [names, values];
}

/**
 * The end-to-end fields of a header list, in their original order and spelling: every
 * hop-by-hop field is removed, and so is every field whose lowercased name is in `alsoDrop`.
 * Input and output are Node's raw form, `[name, value, name, value, …]`.
 */
export function endToEnd(raw: readonly string[], alsoDrop?: ReadonlySet<string>): string[] {
  const [names, values] = split(raw);
  const named = connectionTokens(names, values);
  // Host is what the request was routed on; a client naming it in Connection (which RFC 9110
  // §7.6.1 forbids for end-to-end fields) must not make the backend read another host.
  named?.delete('host');
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const lower = names[i].toLowerCase();
    if (HOP_BY_HOP.has(lower) || named?.has(lower) || alsoDrop?.has(lower)) continue;
    out.push(names[i], values[i]);
  }
  return out;
}

/** `[[name, value], …]` → `[name, value, …]`. */
export function flatten(fields: readonly (readonly [string, string])[]): string[] {
  const out: string[] = [];
  for (const [name, value] of fields) out.push(name, value);
  return out;
}

/** `[name, value, …]` → `[[name, value], …]`. */
export function pairs(raw: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}
