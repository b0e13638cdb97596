import { randomUUID } from 'node:crypto';

// A client-supplied id is kept only if it is short and plain, so that it can't smuggle log
// injection or header tricks into the backend's logs.
const SANE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The request's id: the client's `X-Request-ID` when sane, else a new UUID. */
export function requestIdFor(supplied: string | string[] | undefined): string {
  return typeof supplied === 'string' && SANE_ID.test(supplied) ? supplied : randomUUID();
}
