import { AgentFileError, parseAgentFile } from './agent-file.js';

const env = { HARP_KEY: 'env-key', API_TOKEN: 'tok-1', API_PORT: '3001' };

/** The problems `text` has, one string each, as `harp start` prints them after "harp: ". */
function problems(text: string, vars: NodeJS.ProcessEnv = env): string[] {
  try {
    parseAgentFile(text, 'harp.yml', vars);
  } catch (err) {
    if (err instanceof AgentFileError) return err.problems.map((p) => `${err.file}: ${p}`);
    throw err;
  }
  throw new Error('the file was accepted');
}

describe('parseAgentFile', () => {
  it('maps every key of a service onto its route, with variables filled in', () => {
    const plan = parseAgentFile(
      `
server: [ws://p1.test:8080, ws://p2.test:8080]
key: \${HARP_KEY}
ca: certs/ca.pem
name: laptop
weight: 3
services:
  - name: api
    domain: api.example.com
    path: /api
    upstream: \${API_PORT}
    stripPrefix: true
    addHeaders: { Authorization: "Bearer \${API_TOKEN}", X-Version: 2 }
    removeHeaders: [Cookie]
    hostHeader: api.internal
    ttl: 30m
    h2: true
    basicAuth: [{ user: demo, password: pw }]
    bearerTokens: [t1]
    allowIps: [10.0.0.0/8]
    denyIps: [10.0.0.1]
    cache: { enabled: false }
    rateLimit: 10/s
    balance: least-requests
    sticky: { cookie: sid }
  - name: web
    subdomain: demo
    upstream: http://localhost:5173
`,
      '/etc/harp/harp.yml',
      env,
    );
    expect(plan).toEqual({
      servers: ['ws://p1.test:8080', 'ws://p2.test:8080'],
      key: 'env-key',
      caFile: '/etc/harp/certs/ca.pem',
      name: 'laptop',
      weight: 3,
      services: [
        {
          name: 'api',
          upstream: 'http://127.0.0.1:3001',
          route: {
            host: 'api.example.com',
            path: '/api',
            upstream: 'http://127.0.0.1:3001',
            stripPrefix: true,
            addHeaders: { Authorization: 'Bearer tok-1', 'X-Version': '2' },
            removeHeaders: ['Cookie'],
            hostHeader: 'api.internal',
            ttl: '30m',
            h2: true,
            access: { basicAuth: [{ user: 'demo', password: 'pw' }], bearerTokens: ['t1'], allowIps: ['10.0.0.0/8'], denyIps: ['10.0.0.1'] },
            cache: { enabled: false },
            rateLimit: '10/s',
            balance: 'least-requests',
            sticky: { cookie: 'sid' },
          },
        },
        { name: 'web', upstream: 'http://localhost:5173', route: { subdomain: 'demo', upstream: 'http://localhost:5173' } },
      ],
    });
  });

  it('defaults the server and takes HARP_KEY when the file has no key', () => {
    const plan = parseAgentFile('services: [{ name: a, upstream: 3000 }]', 'harp.yml', env);
    expect([plan.servers, plan.key]).toEqual([['ws://127.0.0.1:8080'], 'env-key']);
  });

  it.each<[string, string, string[]]>([
    ['YAML syntax, with its line', 'services:\n  - name: a\n    upstream: [3000\nkey: x\n', ['harp.yml: line 4, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['a duplicate key', 'key: a\nkey: b\nservices: []\n', ['harp.yml: line 2, column 1: Map keys must be unique']],
    [
      'an upstream that is neither a port nor a URL',
      'services:\n  - { name: web, upstream: 3000 }\n  - { name: api, upstream: localhost }\n',
      ['harp.yml: services[1] (api): upstream: expected a port or URL (3000, http://127.0.0.1:3000)'],
    ],
    ['a missing upstream', 'services: [{ name: api }]', ['harp.yml: services[0] (api): upstream: expected a port or URL (3000, http://127.0.0.1:3000)']],
    ['a service without a name', 'services: [{ upstream: 3000 }]', ['harp.yml: services[0]: name: expected a string']],
    ['an unknown key', 'services: [{ name: api, upstream: 1, upstrem: 2 }]', ['harp.yml: services[0] (api): unknown key "upstrem"']],
    ['an unknown top-level key', 'servers: x\nservices: [{ name: a, upstream: 1 }]', ['harp.yml: unknown key "servers"']],
    [
      'two services with one name',
      'services:\n  - { name: api, upstream: 1, path: /a }\n  - { name: api, upstream: 2, path: /b }\n',
      ['harp.yml: services[1] (api): name: "api" is already the name of services[0]'],
    ],
    [
      'domain and subdomain both set',
      'services: [{ name: api, upstream: 1, domain: a.test, subdomain: a }]',
      ['harp.yml: services[0] (api): domain and subdomain are both set: give one of them'],
    ],
    [
      'two services on one route',
      'services:\n  - { name: a, upstream: 1, domain: A.test, path: /x/ }\n  - { name: b, upstream: 2, domain: a.test, path: /x }\n',
      ['harp.yml: services[1] (b): serves the same domain and path as services[0] (a)'],
    ],
    ['a per-service weight', 'services: [{ name: api, upstream: 1, weight: 2 }]', ['harp.yml: services[0] (api): weight: a weight is per agent, not per service: set weight at the top of the file']],
    ['a bad path', 'services: [{ name: api, upstream: 1, path: api }]', ["harp.yml: services[0] (api): path: path prefix must start with '/'"]],
    ['a bad rate', 'services: [{ name: api, upstream: 1, rateLimit: fast }]', ['harp.yml: services[0] (api): rateLimit: expected N/s, N/m or N/h with N from 1 to 1000000000 (e.g. 100/s)']],
    ['a bad IP', 'services: [{ name: api, upstream: 1, allowIps: [nope] }]', ['harp.yml: services[0] (api): allowIps[0]: expected an IP address or CIDR block (10.0.0.0/8, 2001:db8::/32)']],
    ['a bad header name', 'services: [{ name: api, upstream: 1, removeHeaders: ["a b"] }]', ["harp.yml: services[0] (api): removeHeaders[0]: expected a header name (letters, digits and !#$%&'*+.^_`|~-)"]],
    ['an unset variable', 'services: [{ name: api, upstream: 1, addHeaders: { Authorization: "Bearer ${NOPE}" } }]', ['harp.yml: services[0] (api): addHeaders.Authorization: ${NOPE} names an environment variable that is not set']],
    ['no services', 'key: k\n', ['harp.yml: services: expected a list of services']],
    ['an empty file', '', ['harp.yml: services: expected a list of services']],
    ['a bad server', 'server: ftp://x\nservices: [{ name: a, upstream: 1 }]', ['harp.yml: server: expected a ws://, wss://, http:// or https:// URL, got "ftp://x"']],
    ['a framing field', 'services: [{ name: a, upstream: 1, removeHeaders: [Transfer-Encoding] }]', ['harp.yml: services[0] (a): removeHeaders[0]: Transfer-Encoding frames the message and cannot be changed']],
    ['a bad header name added', 'services: [{ name: a, upstream: 1, addHeaders: { "a b": 3 } }]', ["harp.yml: services[0] (a): addHeaders.a b: expected a header name (letters, digits and !#$%&'*+.^_`|~-)"]],
    ['a framing field added', 'services: [{ name: a, upstream: 1, addHeaders: { content-length: 3 } }]', ['harp.yml: services[0] (a): addHeaders.content-length: content-length frames the message and cannot be changed']],
    ['a proxy listed twice', 'server: [ws://p.test, http://p.test:80]\nservices: [{ name: a, upstream: 1 }]', ['harp.yml: server[1]: http://p.test:80 is already in the list']],
    ['a ttl the proxy would refuse', 'services: [{ name: a, upstream: 1, ttl: 1d }]', ['harp.yml: services[0] (a): ttl: expected Ns, Nm or Nh (e.g. 90s, 30m, 2h), at most 7 days (168h)']],
    ['a ttl beyond 7 days', 'services: [{ name: a, upstream: 1, ttl: 169h }]', ['harp.yml: services[0] (a): ttl: expected Ns, Nm or Nh (e.g. 90s, 30m, 2h), at most 7 days (168h)']],
    ['stripPrefix without a path', 'services: [{ name: a, upstream: 1, stripPrefix: true }]', ['harp.yml: services[0] (a): stripPrefix: true needs a path to strip']],
  ])('names the service and key of %s', (_, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('says where the key comes from when there is none', () => {
    expect(problems('services: [{ name: a, upstream: 1 }]', {})).toEqual([
      'harp.yml: key: no agent key: set key (e.g. key: ${HARP_KEY}) or the HARP_KEY variable',
    ]);
  });

  it('is a usage error: harp exits 2 for it', () => {
    expect(() => parseAgentFile('services: 1', 'harp.yml', env)).toThrow(expect.objectContaining({ code: 'usage', topic: 'start' }));
  });
});
