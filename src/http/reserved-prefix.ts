/**
 * Everything HARP serves itself lives under one reserved prefix on the public port, so that any
 * other path can belong to a backend: the agent endpoint, health, metrics, the admin API and the
 * dashboard. Nothing under it is ever forwarded.
 */
export const RESERVED_ROOT = '/_harp';

/** The reserved prefix as a path prefix (`/_harp/…`); `/_harp` itself is reserved too. */
export const RESERVED_PREFIX = `${RESERVED_ROOT}/`;

const ROOT_LENGTH = RESERVED_ROOT.length;

/** True for a path HARP answers itself (`/_harp` and everything under `/_harp/`). */
export function isReservedPath(path: string): boolean {
  return path.startsWith(RESERVED_ROOT) && (path.length === ROOT_LENGTH || path[ROOT_LENGTH] === '/');
}

/**
 * True for a request target HARP answers itself (`/_harp`, `/_harp/…`, `/_harp?…`): the path
 * ends at a query or a stray fragment, which Node's parser lets through.
 */
export function isReservedUrl(url: string | undefined): boolean {
  if (!url?.startsWith(RESERVED_ROOT)) return false;
  const next = url[ROOT_LENGTH];
  return next === undefined || next === '/' || next === '?' || next === '#';
}
