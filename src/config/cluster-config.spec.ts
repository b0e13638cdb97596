import { ConfigError } from './config.error.js';
import { loadHarpConfig } from './config.loader.js';
import { generateNodeId } from './node-id.js';
import { NODE_ID_PATTERN } from './cluster.fields.js';
import { thrownBy } from '../../test/helpers/thrown.js';

const SECRET = 'cluster-secret-0123456789';

/** The message of the ConfigError `load` throws. */
const failure = (load: () => unknown): string => thrownBy(load, ConfigError).message;

describe('cluster configuration', () => {
  it('is off by default: one process, derived defaults filled in', () => {
    const config = loadHarpConfig({ env: {}, overrides: { host: '127.0.0.1' } });
    expect(config.clusterSecret).toBeUndefined();
    expect(config).toMatchObject({ redisPrefix: 'harp:', clusterHost: '127.0.0.1', clusterPort: 0, workers: 1, clusterHeartbeatMs: 2000 });
    expect(config.clusterUrl).toBeUndefined();
    expect(config.nodeId).toMatch(NODE_ID_PATTERN);
  });

  it('generates a different node id for each load', () => {
    expect(loadHarpConfig({ env: {} }).nodeId).not.toBe(loadHarpConfig({ env: {} }).nodeId);
  });

  it('reads every key from its environment twin', () => {
    const config = loadHarpConfig({
      env: {
        HARP_CLUSTER_SECRET: SECRET,
        HARP_REDIS_URL: 'redis://127.0.0.1:6379',
        HARP_REDIS_PREFIX: 'blue:',
        HARP_NODE_ID: 'edge-1',
        HARP_CLUSTER_HOST: '10.0.0.5',
        HARP_CLUSTER_PORT: '7070',
        HARP_CLUSTER_URL: 'http://edge-1.internal:7070',
        HARP_CLUSTER_HEARTBEAT_MS: '500',
        HARP_WORKERS: '4',
      },
    });
    expect(config).toMatchObject({
      clusterSecret: SECRET,
      redisPrefix: 'blue:',
      nodeId: 'edge-1',
      clusterHost: '10.0.0.5',
      clusterPort: 7070,
      clusterUrl: 'http://edge-1.internal:7070',
      clusterHeartbeatMs: 500,
      workers: 4,
    });
  });

  it('refuses a cluster secret without a Redis URL, naming both keys', () => {
    const message = failure(() => loadHarpConfig({ env: { HARP_CLUSTER_SECRET: SECRET } }));
    expect(message).toContain('HARP_CLUSTER_SECRET (env)');
    expect(message).toContain('redisUrl (HARP_REDIS_URL)');
    expect(message).not.toContain(SECRET);
  });

  it('refuses a short secret without echoing it', () => {
    const message = failure(() => loadHarpConfig({ env: {}, overrides: { clusterSecret: 'short', redisUrl: 'redis://r' } }));
    expect(message).toContain('clusterSecret (overrides): expected at least 16 characters');
    expect(message).not.toContain('short"');
  });

  it('refuses more than one worker outside cluster mode', () => {
    expect(failure(() => loadHarpConfig({ env: { HARP_WORKERS: '2' } }))).toContain('HARP_WORKERS (env): more than 1 needs cluster mode');
    expect(loadHarpConfig({ env: {}, overrides: { workers: 2, clusterSecret: SECRET, redisUrl: 'redis://r' } }).workers).toBe(2);
  });

  it.each([
    ['a node id with a colon', { nodeId: 'a:b' }, 'nodeId (overrides): expected 1 to 64 letters'],
    ['a node id starting with a dash', { nodeId: '-a' }, 'nodeId (overrides)'],
    ['a cluster URL that is not HTTP', { clusterUrl: 'ftp://x' }, 'clusterUrl (overrides): expected an http:// URL'],
    // The hop between nodes is plain HTTP: an https:// URL would be spoken to in the clear.
    ['a cluster URL with https', { clusterUrl: 'https://node-a.internal:7070' }, 'clusterUrl (overrides): expected an http:// URL'],
    ['a prefix with a space', { redisPrefix: 'a b' }, 'redisPrefix (overrides)'],
    ['a port out of range', { clusterPort: 70000 }, 'clusterPort (overrides)'],
  ])('refuses %s', (_what, overrides, expected) => {
    expect(failure(() => loadHarpConfig({ env: {}, overrides }))).toContain(expected);
  });
});

describe('generateNodeId', () => {
  it.each([
    ['edge-1.example.com', 42, /^edge-1\.example\.com-42-[0-9a-f]{6}$/],
    ['My Laptop (2)', 7, /^My-Laptop--2--7-[0-9a-f]{6}$/],
    ['', 1, /^node-1-[0-9a-f]{6}$/],
    ['---', 1, /^node-1-[0-9a-f]{6}$/],
    ['x'.repeat(200), 99999, /^x{40}-99999-[0-9a-f]{6}$/],
  ])('makes a valid id of host %j, pid %d', (host, pid, expected) => {
    const id = generateNodeId(host, pid);
    expect(id).toMatch(expected);
    expect(id).toMatch(NODE_ID_PATTERN);
  });
});
