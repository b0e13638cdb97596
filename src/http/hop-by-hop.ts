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
function connectionTokens(raw: readonly string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === 10 && raw[i].toLowerCase() === 'connection') tokens = addTokens(tokens, raw[i + 1]);
  }
  return withoutHost(tokens);
}

/** {@link connectionTokens} of a `[name, value]` list. */
function connectionTokensOfPairs(fields: readonly (readonly [string, string])[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (const [name, value] of fields) {
    if (name.length === 10 && name.toLowerCase() === 'connection') tokens = addTokens(tokens, value);
  }
  return withoutHost(tokens);
}

function addTokens(tokens: Set<string> | undefined, value: string): Set<string> | undefined {
  // Most heads say `Connection: keep-alive` or `close`: one token, no list to split.
  const list = value.indexOf(',') === -1 ? [value] : value.split(',');
  for (const token of list) {
    const name = token.trim().toLowerCase();
    // A hop-by-hop name is dropped anyway: no set is made for it.
    if (name && !HOP_BY_HOP.has(name)) (tokens ??= new Set()).add(name);
  }
  return tokens;
}

// Host is what the request was routed on; a client naming it in Connection (which RFC 9110
// §7.6.1 forbids for end-to-end fields) must not make the backend read another host.
function withoutHost(tokens: Set<string> | undefined): Set<string> | undefined {
  tokens?.delete('host');
  return tokens;
}

// The filters below run on every request and response: plain loops, no callback per field.

function dropped(lower: string, named: Set<string> | undefined, alsoDrop: ReadonlySet<string> | undefined, andDrop?: ReadonlySet<string>): boolean {
  return HOP_BY_HOP.has(lower) || named?.has(lower) === true || alsoDrop?.has(lower) === true || andDrop?.has(lower) === true;
}

/**
 * The end-to-end fields of a header list, in their original order and spelling: every
 * hop-by-hop field is removed, and so is every field whose lowercased name is in `alsoDrop`.
 * Input and output are Node's raw form, `[name, value, name, value, …]`.
 */
export function endToEnd(raw: readonly string[], alsoDrop?: ReadonlySet<string>): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!dropped(raw[i].toLowerCase(), named, alsoDrop)) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/**
 * {@link endToEnd}, as `[name, value]` pairs (the tunnel's head form). `andDrop` is a second
 * set of lowercased names to drop, so that two lists need not be merged per request.
 */
export function endToEndPairs(raw: readonly string[], alsoDrop?: ReadonlySet<string>, andDrop?: ReadonlySet<string>): Array<[string, string]> {
  const named = connectionTokens(raw);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!dropped(raw[i].toLowerCase(), named, alsoDrop, andDrop)) out.push([raw[i], raw[i + 1]]);
  }
  return out;
}

/** {@link endToEnd} of a `[name, value]` list (a tunnel head), in Node's raw form: `endToEnd(flatten(fields))`. */
export function endToEndOfPairs(fields: readonly (readonly [string, string])[]): string[] {
  const named = connectionTokensOfPairs(fields);
  const out: string[] = [];
  for (const [name, value] of fields) {
    if (!dropped(name.toLowerCase(), named, undefined)) out.push(name, value);
  }
  return out;
}

/** `[[name, value], …]` → `[name, value, …]`. */
export function flatten(fields: readonly (readonly [string, string])[]): string[] {
  const out: string[] = [];
  for (const [name, value] of fields) out.push(name, value);
  return out;
}
