import type { RequestHead } from '../protocol/index.js';
import { prefixMatches } from './route-choice.js';

/** What the agent changes in a request before it reaches the route's upstream. */
export interface RequestTransform {
  /** A path prefix to cut from the target, on a segment boundary; the query stays. */
  readonly stripPrefix?: string;
  /** Fields set on the request, replacing any the client sent under the same name. */
  readonly addHeaders?: Readonly<Record<string, string>>;
  /** Fields taken out of the request (names compare case-insensitively). */
  readonly removeHeaders?: readonly string[];
  /** The Host the upstream sees instead of the public one. */
  readonly hostHeader?: string;
}

/**
 * Fields that frame the message or the connection (RFC 9112 §6, RFC 9110 §7.6.1): the agent
 * relays bodies and upgrades by them, so a transform may neither add nor remove them.
 */
const FRAMING_FIELDS = new Set(['connection', 'content-length', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Whether `name` is a field a transform may not touch (see {@link FRAMING_FIELDS}). */
export function isFramingField(name: string): boolean {
  return FRAMING_FIELDS.has(name.toLowerCase());
}

/** Whether `transform` changes anything: a route without one relays the head as it came. */
export function changesRequest(transform: RequestTransform): boolean {
  return (
    (transform.stripPrefix !== undefined && transform.stripPrefix !== '/') ||
    Object.keys(transform.addHeaders ?? {}).length > 0 ||
    (transform.removeHeaders?.length ?? 0) > 0 ||
    transform.hostHeader !== undefined
  );
}

/** `head` as the upstream gets it: a new head, the original left alone. */
export function transformHead(head: RequestHead, transform: RequestTransform): RequestHead {
  if (!changesRequest(transform)) return head;
  return {
    ...head,
    target: transform.stripPrefix === undefined ? head.target : stripPathPrefix(head.target, transform.stripPrefix),
    headers: editFields(head.headers, transform),
  };
}

/**
 * `/api/users?x=1` without `/api` is `/users?x=1`; `/api?x=1` becomes `/?x=1`. A target that
 * does not start with the prefix on a segment boundary is left as it is (`/apix` keeps `/api`).
 */
export function stripPathPrefix(target: string, prefix: string): string {
  const cut = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (cut === '/' || cut === '') return target;
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  if (!prefixMatches(cut, path)) return target;
  const rest = path.slice(cut.length);
  return `${rest === '' ? '/' : rest}${end === -1 ? '' : target.slice(end)}`;
}

/**
 * The request's fields with `removeHeaders` taken out, each of `addHeaders` set (in place of
 * the first field of that name, else at the end), and `Host` set to `hostHeader`. Order, case
 * and repetition of every other field are kept.
 */
export function editFields(fields: ReadonlyArray<readonly [string, string]>, transform: RequestTransform): Array<[string, string]> {
  const set = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(transform.addHeaders ?? {})) set.set(name.toLowerCase(), [name, value]);
  if (transform.hostHeader !== undefined) set.set('host', ['Host', transform.hostHeader]);
  const removed = new Set((transform.removeHeaders ?? []).map((name) => name.toLowerCase()));
  const out: Array<[string, string]> = [];
  const placed = new Set<string>();
  for (const [name, value] of fields) {
    const lower = name.toLowerCase();
    const replacement = set.get(lower);
    if (replacement) {
      if (!placed.has(lower)) out.push([...replacement]);
      placed.add(lower);
    } else if (!removed.has(lower)) {
      out.push([name, value]);
    }
  }
  for (const [lower, field] of set) if (!placed.has(lower)) out.push([...field]);
  return out;
}
