import { text } from './config.fields.js';
import { MIN_CLUSTER_SECRET_LENGTH } from './cluster.fields.js';

/**
 * A DNS name under which generated and named subdomains live (`tunnel.example.com`): labels of
 * a-z, 0-9 and -, lower case, at least two of them, 253 characters at most (RFC 1035 §2.3.4).
 */
export const publicDomain = text('a domain name such as tunnel.example.com').regex(
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
  { error: 'expected a lower-case domain name of two labels or more, such as tunnel.example.com' },
);

/**
 * Where the public reaches the proxy when something sits in front of it (a load balancer that
 * ends TLS): an origin, `http(s)://host[:port]`, no path, query or user. Routes get its scheme
 * and port with their own host; `*` routes get its host too.
 */
export const publicUrl = text('an http:// or https:// origin such as https://tunnel.example.com').refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return ['http:', 'https:'].includes(url.protocol) && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  },
  { error: 'expected an http:// or https:// origin without path, query or user, such as https://tunnel.example.com:8443' },
);

/** The secret of reconnect tokens; as long as a cluster secret, for the same reason. */
export const reconnectSecret = text().min(MIN_CLUSTER_SECRET_LENGTH, {
  error: `expected at least ${MIN_CLUSTER_SECRET_LENGTH} characters (a random token, so that it cannot be guessed)`,
});
