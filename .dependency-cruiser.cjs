// Module boundaries of src/, checked by `npm run lint` (dependency-cruiser). DEVELOPERS.md,
// "Layering and the lint rule", explains the layers. Type-only imports count: a type still
// ties one layer to another.

/** A top-level folder of src/ as a path pattern. */
const dir = (name) => `^src/${name}/`;

// The pure layers: plain TypeScript that any layer may build on. The routing folder is pure
// except for its Nest service, module and the recorder that feeds member health from exchange
// reports; cache/policy is the pure part of the cache.
const ROUTING_NEST = '^src/routing/(routing[.](service|module)|member-health[.]recorder)([.]spec)?[.]ts$';
const ROUTING_PURE = '^src/routing/(?!routing[.](service|module)[.]|member-health[.]recorder[.])';
const PURE = [
  dir('errors'),
  dir('protocol'),
  dir('http'),
  ROUTING_PURE,
  // Visitor access rules: their decisions; the proxy's AccessGate applies them.
  dir('access'),
  dir('cache/policy'),
  // Reads HARP's version from package.json; imports nothing in src.
  '^src/harp-version[.]ts$',
];

// The cluster module's decisions and formats are plain code inside a Nest module: kept free of
// Nest so that they are tested as tables, as the pure layers are.
const CLUSTER_PURE = '^src/cluster/(cluster-(keys|model|rules|url)|directory-(mirror|scripts))([.]spec)?[.]ts$';
// The rate-limit module's plan (which limits a request is counted against) and the fields of its
// 429 are plain code too; the buckets and the gate do the I/O.
const RATE_LIMIT_PURE = '^src/rate-limit/(rate-limit-plan|limited-fields)([.]spec)?[.]ts$';

/** What each pure layer may import besides itself, node built-ins and npm libraries. */
const PURE_ALLOWED = {
  errors: { path: dir('errors'), allowed: [] },
  protocol: { path: dir('protocol'), allowed: [dir('errors')] },
  http: { path: dir('http'), allowed: [dir('errors')] },
  // A route carries the access policy its agents asked for.
  routing: { path: ROUTING_PURE, allowed: [dir('http'), dir('errors'), dir('access')] },
  access: { path: dir('access'), allowed: [dir('http'), dir('errors')] },
  'cache/policy': { path: dir('cache/policy'), allowed: [dir('http'), dir('errors')] },
  'harp-version': { path: '^src/harp-version[.]ts$', allowed: [] },
};

// The Nest layers, each above the pure layers; every list runs downwards only, so modules
// cannot form a cycle. The upper layers may use everything up to admin and shutdown.
const UPPER = ['config', 'exchange', 'tunnel', 'routing', 'cache', 'registration', 'cluster', 'rate-limit', 'proxy', 'admin', 'shutdown'];
const NEST_ALLOWED = {
  config: [],
  exchange: ['config'],
  // Member health is fed from exchange reports; exchange imports only config.
  routing: ['config', 'exchange'],
  cache: ['config'],
  registration: ['config', 'routing', 'tunnel'],
  // Cluster mode mirrors this node's routes and agents into Redis; the admin API lists nodes.
  cluster: ['config', 'routing', 'registration'],
  // Counts public requests before routing; reads the limit a route's agents asked for.
  'rate-limit': ['config', 'routing'],
  proxy: ['config', 'routing', 'tunnel', 'registration', 'cache', 'exchange', 'rate-limit'],
  admin: ['config', 'routing', 'registration', 'cache', 'exchange', 'cluster'],
  shutdown: ['config', 'registration'],
  metrics: UPPER,
  inspector: UPPER,
  dashboard: UPPER,
  health: UPPER,
  logging: UPPER,
  'live-events': [...UPPER, 'inspector'],
};

// Layers with a list narrower than "the pure layers": the tunnel is shared by the proxy and the
// agent, and the agent could become a package of its own. The backend module (`harp-proxy/backend`)
// is the agent inside a Nest application: it builds on the agent and nothing of the proxy, and
// nothing but the entry points imports it.
const NARROW_ALLOWED = {
  tunnel: [dir('protocol'), dir('http'), dir('errors')],
  agent: [dir('protocol'), dir('tunnel'), dir('http'), dir('errors')],
  backend: [dir('agent'), dir('protocol'), dir('errors')],
};

// The composition root may import anything: the server, the root module and the package's
// entry points, and the `harp` command line, which starts either an agent or the proxy.
const ROOT = [dir('server'), dir('cli'), '^src/(harp[.]module|index|main)([.]spec)?[.]ts$', '^src/error-classes[.]spec[.]ts$'];

const KNOWN = [
  ...PURE,
  ROUTING_NEST,
  ...Object.keys(NEST_ALLOWED).filter((name) => name !== 'routing').map(dir),
  ...Object.keys(NARROW_ALLOWED).map(dir),
  ...ROOT,
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle between files means neither can be understood, tested or loaded alone; ESM also sees a half-initialised module in one of them.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'Modules (folders of src/) form layers; a cycle between two folders means neither sits below the other.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve fails at run time (Jest and tsx resolve differently from node).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      comment: 'Shipped code must not depend on test or bench code, which is not built or published. Specs may use the shared test helpers.',
      from: { path: '^src/', pathNot: '[.]spec[.]ts$' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'pure-without-nest',
      severity: 'error',
      comment: 'The pure layers, the tunnel and the agent are plain TypeScript that runs and is tested without Nest (the agent may become its own package).',
      from: { path: [...PURE, CLUSTER_PURE, RATE_LIMIT_PURE, dir('tunnel'), dir('agent')] },
      to: { path: '(^|/)node_modules/@nestjs/' },
    },
    {
      name: 'unplaced-file',
      severity: 'error',
      comment: 'Every file of src/ belongs to a layer; a new folder gets its place in .dependency-cruiser.cjs and DEVELOPERS.md.',
      from: { path: '^src/', pathNot: KNOWN },
      to: { path: '^src/' },
    },
    ...Object.entries(PURE_ALLOWED).map(([name, { path, allowed }]) => ({
      name: `pure-layer-${name.replace('/', '-')}`,
      severity: 'error',
      comment: `The pure layer ${name} may import only ${allowed.length > 0 ? allowed.join(', ') : 'nothing in src'}: pure code sits below every Nest module.`,
      from: { path },
      to: { path: '^src/', pathNot: [path, ...allowed] },
    })),
    ...Object.entries(NEST_ALLOWED).map(([name, allowed]) => ({
      name: `layer-${name}`,
      severity: 'error',
      comment: `${name} may import the pure layers${allowed.length > 0 ? ` and ${allowed.join(', ')}` : ''} only: modules depend downwards.`,
      from: { path: name === 'routing' ? ROUTING_NEST : dir(name) },
      to: { path: '^src/', pathNot: [dir(name), ...PURE, ...allowed.map(dir)] },
    })),
    ...Object.entries(NARROW_ALLOWED).map(([name, allowed]) => ({
      name: `layer-${name}`,
      severity: 'error',
      comment: `${name} may import only ${allowed.join(', ')}: it is shared with, or could become, a package without the proxy.`,
      from: { path: dir(name) },
      to: { path: '^src/', pathNot: [dir(name), ...allowed] },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too.
    tsPreCompilationDeps: true,
    // Relative imports end in .js and name .ts files (TypeScript nodenext); with a tsConfig,
    // dependency-cruiser resolves them the way tsc does.
    tsConfig: { fileName: 'tsconfig.check.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    // The folder-scoped cycle rule needs folder metrics.
    metrics: true,
  },
};
