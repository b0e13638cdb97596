import { z } from 'zod';
import { text } from './config.fields.js';

/**
 * Shortest cluster secret accepted. The secret authenticates nodes to each other on their
 * internal listener, which anyone on the network may reach: 16 characters of a random token are
 * beyond guessing, while a short word such as `secret` would not be.
 */
export const MIN_CLUSTER_SECRET_LENGTH = 16;

/** Most worker processes one proxy may start: far above any machine's cores, but bounded. */
export const MAX_WORKERS = 256;

/** What a node id may hold: it is part of Redis keys and of log lines, so no space or colon. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The cluster secret; its value is never echoed (see `config.issues.ts`). */
export const clusterSecret = text().min(MIN_CLUSTER_SECRET_LENGTH, {
  error: `expected at least ${MIN_CLUSTER_SECRET_LENGTH} characters (a random token, so that it cannot be guessed)`,
});

/** The prefix of every key HARP writes to Redis; a colon keeps it readable in `redis-cli`. */
export const redisPrefix = text().regex(/^[\x21-\x7e]{1,64}$/, {
  error: 'expected 1 to 64 printable characters without spaces',
});

export const nodeId = z.string().regex(NODE_ID_PATTERN, {
  error: 'expected 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
});

/** Where other nodes reach this one: an `http://` URL. */
export const clusterUrl = text('an http:// URL').refine((value) => URL.canParse(value) && new URL(value).protocol === 'http:', {
  // The hop between nodes speaks plain HTTP (docs/cluster.md): https:// would be a promise it breaks.
  error: 'expected an http:// URL',
});
