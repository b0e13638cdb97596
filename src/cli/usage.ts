import type { HelpTopic } from './usage-error.js';

const HARP = `Usage: harp <command> [options]

Expose local servers through a HARP proxy: the server's side dials out over one WebSocket,
the proxy serves the public traffic.

Commands:
  http <port|url>   Expose a local HTTP server through a HARP proxy
  start [FILE]      Expose the services of an agent file (default ./harp.yml), all over one
                    connection
  serve             Start a HARP proxy, configured from HARP_* environment variables
  hash-password     Print the stored form of a password read from stdin, for access rules
  help [command]    Show help for a command

Options:
  -h, --help        Show this help
  -v, --version     Print the version

Run "harp <command> --help" for a command's options.
`;

const HTTP = `Usage: harp http <port|url> [options]

Expose a local HTTP server through a HARP proxy. A port such as 3000 means
http://127.0.0.1:3000; a URL such as http://localhost:5173 is used as is. Prints the public
URL, then one line per request: method, path, status, time. On a terminal, a status block
under those lines shows each proxy's connection (connecting, online, reconnecting in Ns,
offline), the public URLs, requests in flight, req/s and p50/p90 latency.

Options:
  --server URL[,URL...]
                  The proxy to connect to (default: ws://127.0.0.1:8080); several, as a
                  comma list or a repeated flag, each get the same routes
  --key KEY       The agent key the proxy accepts (default: $HARP_KEY)
  --domain HOST   Serve this host: app.example.com, *.example.com, or * for any (default: *)
  --subdomain NAME|random
                  Serve NAME under the proxy's public domain instead of --domain
                  (demo -> demo.tunnel.example.com), or a generated, unguessable name
                  such as brave-otter-7f3kq2 with random; the key must be allowed to
  --reuse-url     With --subdomain random: ask for the name the last run with the same
                  proxy, key, local server and path got (its token is kept in
                  $XDG_STATE_HOME/harp/urls.json, default ~/.local/state/harp/urls.json)
  --ttl DURATION  End the route after DURATION (90s, 30m, 2h; at most 168h), then exit 0
  --path PREFIX   Serve only paths under this prefix (default: /)
  --name NAME     Name this agent in the proxy's listings and logs
  --weight N      This agent's share of the route, 1 to 100, relative to the other agents
                  serving it (default: 1)
  --basic-auth USER:PASS
                  Visitors must log in as this user (HTTP Basic); repeat for more users.
                  The key must be allowed to ask (agentAccess); the proxy stores a hash
  --allow-ip CIDR Serve only visitors from this address or block (IPv4 or IPv6); repeatable
  --deny-ip CIDR  Never serve visitors from this address or block; repeatable
  --rate-limit R  Let the proxy answer 429 above R requests to the route, all clients
                  together: N/s, N/m or N/h, e.g. 10/s (the key's rule must allow it)
  --ca FILE       Trust the certificate authorities in this PEM file (instead of the public
                  ones) for wss:// proxies: for a proxy whose certificate a private CA signed
  --h2            Speak HTTP/2 to the local server: h2c for http://, TLS with ALPN h2 for
                  https://. For gRPC servers (clients reach them over HTTPS on the TLS port)
  --log-format F  text: lines for people, and the status block on a terminal (default);
                  json: one JSON object per line per event (requests, connection states,
                  routes and their URLs, errors) on stdout, and no status block
  -h, --help      Show this help

A lost connection is retried with backoff, each proxy's on its own, so a route stays up while
any proxy has it. The first Ctrl-C (or SIGTERM) drains: the proxies send no new requests, those
in flight get 5 s to finish, then harp exits. A second Ctrl-C quits at once.
NO_COLOR (set, not empty) turns colour off.

Exit status: 0 after Ctrl-C or SIGTERM, or once --ttl has passed; 130 after a second Ctrl-C
(143 after a second SIGTERM); 1 when the proxy (every proxy) drains this agent; 2 on a usage
error, a missing key, or when every proxy rejects the key or refuses every route.

Examples:
  harp http 3000 --key "$KEY"
  harp http http://localhost:5173 --server wss://proxy.example.com --domain app.example.com
  harp http 3000 --server wss://p1.example.com,wss://p2.example.com --domain app.example.com
  harp http 3000 --basic-auth "demo:$PASSWORD" --allow-ip 203.0.113.0/24
  harp http 3000 --log-format json | jq 'select(.event == "request")'
  harp http 3000 --subdomain random --ttl 2h
`;

const START = `Usage: harp start [FILE] [--log-format text|json]

Expose several local servers through a HARP proxy over one connection, as the services of a
YAML file (default: ./harp.yml). Prints one line per service with its public URL, then one
line per request. docs/agent.md describes the file; in short:

  server: wss://proxy.example.com     # or a list; default ws://127.0.0.1:8080
  key: \${HARP_KEY}                    # \${NAME} reads an environment variable, anywhere
  ca: ./proxy-ca.pem                  # optional, relative to the file
  weight: 1                           # optional, this agent's share of each route (1-100)
  services:
    - name: api                       # required, unique; errors name the service
      domain: api.example.com         # or subdomain: NAME (not both); default: any host
      path: /api                      # default: /
      upstream: 3001                  # a port or an http(s):// origin
      stripPrefix: true               # or a prefix; the upstream gets /users for /api/users
      addHeaders: { X-Api-Key: "\${API_KEY}" }  # set on the request, for the upstream
      removeHeaders: [Cookie]
      hostHeader: api.internal        # the Host the upstream sees
      h2: false                       # HTTP/2 to the upstream, for gRPC
      ttl: 30m
      basicAuth: [{ user: demo, password: "\${DEMO_PASSWORD}" }]
      allowIps: [203.0.113.0/24]      # also denyIps, bearerTokens
      cache: { enabled: true, defaultTtlSeconds: 60 }
      rateLimit: 10/s                 # also balance: least-requests, sticky: { cookie: sid }

Options:
  --log-format F  text: lines for people, and the status block on a terminal (default);
                  json: one JSON object per line per event, as for harp http
  -h, --help      Show this help

A lost connection is retried with backoff. The first Ctrl-C lets requests in flight finish
(5 s), then exits; a second one quits at once (status 130).

Exit status: 0 after Ctrl-C or SIGTERM, or once every service's ttl has passed; 1 when the
proxy drains this agent; 2 when the file
is missing or wrong (the message names the service and key), the key is missing or rejected,
or every service is refused.

Examples:
  harp start
  API_KEY=... harp start deploy/harp.yml
`;

const HASH_PASSWORD = `Usage: harp hash-password [--token] < secret

Read a password from standard input (one trailing newline is dropped) and print what an
access rule of the proxy's configuration stores instead: scrypt$N$r$p$salt$hash, for
access[].basicAuth[].password. With --token, read a bearer token and print its
sha256:<hex> digest, for access[].bearerTokens.

Options:
  --token         Digest a bearer token instead of hashing a password
  -h, --help      Show this help

Example:
  printf '%s' 'correct horse battery staple' | harp hash-password
`;

const SERVE = `Usage: harp serve [--workers N]

Start a HARP proxy, as "npm start" does. It is configured from the environment:
  HARP_PORT (default 8080), HARP_HOST (default 0.0.0.0), HARP_KEY, HARP_ADMIN_TOKEN,
  HARP_CONFIG (a YAML or JSON file), and a HARP_* twin of every key of that file.
  HARP_TLS_CERT and HARP_TLS_KEY (PEM files) add HTTPS and wss:// on HARP_TLS_PORT
  (default 8443); HARP_HTTP_REDIRECT=true then sends plain HTTP there.
Without a key, the proxy makes one for the run and prints it with the "harp http" command
that uses it.

Options:
  --workers N     Run N proxy processes on the same port, to use N cores (default:
                  $HARP_WORKERS, else 1). Above 1 needs cluster mode (HARP_CLUSTER_SECRET
                  and HARP_REDIS_URL): each worker is a node of the cluster, with the id
                  <node id>-w<i>. A worker that dies is started again.
  -h, --help      Show this help

SIGTERM or Ctrl-C stops the proxy gracefully (with workers, every one of them) and exits 0;
a second one cuts what is still in flight. Exit status 1: the configuration cannot start.
`;

/** The help text of `topic`, ending in a newline. */
export function usage(topic: HelpTopic): string {
  switch (topic) {
    case 'harp':
      return HARP;
    case 'http':
      return HTTP;
    case 'start':
      return START;
    case 'serve':
      return SERVE;
    case 'hash-password':
      return HASH_PASSWORD;
  }
}

/** The line after a usage error that says where the help is. */
export function usageHint(topic: HelpTopic): string {
  return `Run "harp ${topic === 'harp' ? '' : `${topic} `}--help" for usage.\n`;
}
