import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.error.js';
import { loadHarpConfig } from './config.loader.js';
import { thrownBy } from '../../test/helpers/thrown.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harp-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a config file and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The ConfigError message of a load that must fail. */
function failure(load: () => unknown): string {
  const error = thrownBy(load, ConfigError);
  expect(error.code).toBe('config_invalid');
  return error.message;
}

describe('loadHarpConfig', () => {
  describe('defaults', () => {
    it('fills every key and generates a key when none is configured', () => {
      const config = loadHarpConfig({ env: {} });
      expect(config).toMatchObject({
        port: 8080,
        host: '0.0.0.0',
        keys: [],
        maxBodyBytes: 1073741824,
        requestTimeoutMs: 30000,
        heartbeatMs: 5000,
        maxHeaderBytes: 16384,
        headersTimeoutMs: 10000,
        trustedProxies: [],
        windowBytes: 262144,
        maxFrameBytes: 65536,
        maxStreamsPerAgent: 1000,
        logLevel: 'info',
        accessLog: true,
        cacheEnabled: true,
        cacheMaxBytes: 268435456,
        cacheMaxObjectBytes: 8388608,
        cacheStoreTimeoutMs: 250,
        cacheCoalesceTimeoutMs: 5000,
        generatedKey: true,
      });
      expect(config.adminToken).toBeUndefined();
      expect(config.redisUrl).toBeUndefined();
      expect(config.key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    });

    it('generates a different key each time', () => {
      expect(loadHarpConfig({ env: {} }).key).not.toBe(loadHarpConfig({ env: {} }).key);
    });

    it('does not generate a key when key or keys is configured', () => {
      const withKey = loadHarpConfig({ env: { HARP_KEY: 'secret' } });
      expect(withKey).toMatchObject({ key: 'secret', generatedKey: false });
      const withKeys = loadHarpConfig({ env: {}, overrides: { keys: [{ id: 'a', key: 'k' }] } });
      expect(withKeys.generatedKey).toBe(false);
      expect(withKeys.key).toBeUndefined();
    });

    it('returns a frozen object', () => {
      const config = loadHarpConfig({ env: {}, overrides: { keys: [{ id: 'a', key: 'k' }] } });
      expect(Object.isFrozen(config)).toBe(true);
      expect(Object.isFrozen(config.keys[0]!.hosts)).toBe(true);
    });
  });

  describe('file', () => {
    it('reads YAML', () => {
      const path = file('harp.yaml', 'port: 9000\nlogLevel: debug\ntrustedProxies: [10.0.0.0/8]\n');
      expect(loadHarpConfig({ env: { HARP_CONFIG: path } })).toMatchObject({
        port: 9000,
        logLevel: 'debug',
        trustedProxies: ['10.0.0.0/8'],
      });
    });

    it('reads .yml as YAML', () => {
      const path = file('harp.yml', 'host: 127.0.0.1\n');
      expect(loadHarpConfig({ env: { HARP_CONFIG: path } }).host).toBe('127.0.0.1');
    });

    it('reads JSON', () => {
      const path = file('harp.json', JSON.stringify({ port: 9001, keys: [{ id: 'a', key: 'k', hosts: ['a\\.example\\.com'] }] }));
      const config = loadHarpConfig({ env: { HARP_CONFIG: path } });
      expect(config.port).toBe(9001);
      expect(config.keys).toEqual([{ id: 'a', key: 'k', hosts: ['a\\.example\\.com'], paths: ['.*'] }]);
    });

    it('treats an empty file as an empty configuration', () => {
      const path = file('empty.yaml', '');
      expect(loadHarpConfig({ env: { HARP_CONFIG: path } }).port).toBe(8080);
    });

    it('reports a missing file', () => {
      const path = join(dir, 'missing.yaml');
      expect(failure(() => loadHarpConfig({ env: { HARP_CONFIG: path } }))).toBe(
        `Invalid configuration: file ${path}: cannot read it (ENOENT)`,
      );
    });

    it('reports unparseable YAML and JSON, naming the file', () => {
      const yaml = file('bad.yaml', 'port: [1\n');
      expect(failure(() => loadHarpConfig({ env: { HARP_CONFIG: yaml } }))).toContain(
        `file ${yaml}: cannot parse it as YAML`,
      );
      const json = file('bad.json', '{ port: 1 }');
      expect(failure(() => loadHarpConfig({ env: { HARP_CONFIG: json } }))).toContain(
        `file ${json}: cannot parse it as JSON`,
      );
    });

    it('reports a file that is not a mapping', () => {
      const path = file('list.yaml', '- 1\n');
      expect(failure(() => loadHarpConfig({ env: { HARP_CONFIG: path } }))).toBe(
        `Invalid configuration: file ${path}: expected a mapping of configuration keys at the top level`,
      );
    });

    it('reports a bad value with the file as source', () => {
      const path = file('big.yaml', 'maxBodyBytes: 0\n');
      expect(failure(() => loadHarpConfig({ env: { HARP_CONFIG: path } }))).toBe(
        `Invalid configuration: maxBodyBytes (file ${path}): expected a positive integer, got 0`,
      );
    });

    it('reports unknown keys, including nested and __proto__ ones', () => {
      const path = file('typo.json', '{"prot": 1, "__proto__": {}, "keys": [{"id": "a", "key": "k", "hots": []}]}');
      const message = failure(() => loadHarpConfig({ env: { HARP_CONFIG: path } }));
      expect(message).toContain(`unknown key "prot" (file ${path})`);
      expect(message).toContain(`unknown key "__proto__" (file ${path})`);
      expect(message).toContain(`unknown key "keys[0].hots" (file ${path})`);
    });
  });

  describe('environment', () => {
    it('wins over the file', () => {
      const path = file('port.yaml', 'port: 9000\nhost: 127.0.0.1\n');
      const config = loadHarpConfig({ env: { HARP_CONFIG: path, HARP_PORT: '9100' } });
      expect(config).toMatchObject({ port: 9100, host: '127.0.0.1' });
    });

    it('maps every camelCase key to its SCREAMING_SNAKE twin', () => {
      const config = loadHarpConfig({
        env: {
          HARP_HOST: '::',
          HARP_KEY: 'k',
          HARP_ADMIN_TOKEN: 't',
          HARP_REDIS_URL: 'redis://localhost:6379',
          HARP_MAX_BODY_BYTES: '10',
          HARP_REQUEST_TIMEOUT_MS: '11',
          HARP_HEARTBEAT_MS: '12',
          HARP_MAX_HEADER_BYTES: '13',
          HARP_HEADERS_TIMEOUT_MS: '14',
          HARP_WINDOW_BYTES: '15',
          HARP_MAX_FRAME_BYTES: '16384',
          HARP_MAX_STREAMS_PER_AGENT: '17',
          HARP_LOG_LEVEL: 'warn',
          HARP_ACCESS_LOG: '0',
          HARP_CACHE_ENABLED: 'false',
          HARP_CACHE_MAX_BYTES: '1000',
          HARP_CACHE_MAX_OBJECT_BYTES: '100',
          HARP_CACHE_STORE_TIMEOUT_MS: '18',
          HARP_CACHE_COALESCE_TIMEOUT_MS: '19',
        },
      });
      expect(config).toMatchObject({
        host: '::',
        key: 'k',
        adminToken: 't',
        redisUrl: 'redis://localhost:6379',
        maxBodyBytes: 10,
        requestTimeoutMs: 11,
        heartbeatMs: 12,
        maxHeaderBytes: 13,
        headersTimeoutMs: 14,
        windowBytes: 15,
        maxFrameBytes: 16384,
        maxStreamsPerAgent: 17,
        logLevel: 'warn',
        accessLog: false,
        cacheEnabled: false,
        cacheMaxBytes: 1000,
        cacheMaxObjectBytes: 100,
        cacheStoreTimeoutMs: 18,
        cacheCoalesceTimeoutMs: 19,
      });
    });

    it.each([
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['false', false],
      ['False', false],
      ['0', false],
    ])('reads HARP_CACHE_ENABLED=%s as %s', (value, expected) => {
      expect(loadHarpConfig({ env: { HARP_CACHE_ENABLED: value } }).cacheEnabled).toBe(expected);
    });

    it.each(['yes', 'on', '2', ' true'])('rejects HARP_CACHE_ENABLED=%s', (value) => {
      expect(failure(() => loadHarpConfig({ env: { HARP_CACHE_ENABLED: value } }))).toBe(
        `Invalid configuration: HARP_CACHE_ENABLED (env): expected true or false, got ${JSON.stringify(value)}`,
      );
    });

    it('accepts 0 for HARP_CACHE_COALESCE_TIMEOUT_MS (coalescing off) but not for the store timeout', () => {
      expect(loadHarpConfig({ env: { HARP_CACHE_COALESCE_TIMEOUT_MS: '0' } }).cacheCoalesceTimeoutMs).toBe(0);
      expect(failure(() => loadHarpConfig({ env: { HARP_CACHE_STORE_TIMEOUT_MS: '0' } }))).toBe(
        'Invalid configuration: HARP_CACHE_STORE_TIMEOUT_MS (env): expected an integer from 1 to 2147483647, got 0',
      );
    });

    it('reads HARP_TRUSTED_PROXIES as a comma-separated list', () => {
      const config = loadHarpConfig({ env: { HARP_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,,fd00::/8' } });
      expect(config.trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    });

    it('reports a bad trusted proxy entry', () => {
      expect(failure(() => loadHarpConfig({ env: { HARP_TRUSTED_PROXIES: '10.0.0.0/33' } }))).toBe(
        'Invalid configuration: HARP_TRUSTED_PROXIES[0] (env): expected an IP address or CIDR block, got "10.0.0.0/33"',
      );
    });

    it('reads HARP_KEYS as JSON with defaults for hosts and paths', () => {
      const keys = [{ id: 'team', key: 'k1', hosts: ['.*\\.example\\.com'] }];
      expect(loadHarpConfig({ env: { HARP_KEYS: JSON.stringify(keys) } }).keys).toEqual([
        { id: 'team', key: 'k1', hosts: ['.*\\.example\\.com'], paths: ['.*'] },
      ]);
    });

    it('reports HARP_KEYS that is not JSON without echoing it', () => {
      const message = failure(() => loadHarpConfig({ env: { HARP_KEYS: '[{"key":"s3cret' } }));
      expect(message).toBe(
        'Invalid configuration: HARP_KEYS (env): expected JSON (a list of key rules), got text that is not valid JSON',
      );
    });

    it('reports an invalid regular expression in a rule by its path', () => {
      const keys = [{ id: 'a', key: 'k', hosts: ['ok', '('] }];
      expect(failure(() => loadHarpConfig({ env: { HARP_KEYS: JSON.stringify(keys) } }))).toBe(
        'Invalid configuration: HARP_KEYS[0].hosts[1] (env): expected a valid regular expression (Unterminated group), got "("',
      );
    });

    it('rejects a pattern that would escape its anchors', () => {
      const path = file('escape.yaml', 'keys:\n  - { id: a, key: k, paths: ["a)|(?:b"] }\n');
      expect(failure(() => loadHarpConfig({ env: { HARP_CONFIG: path } }))).toContain(
        `keys[0].paths[0] (file ${path}): expected a valid regular expression`,
      );
    });

    it.each([
      ['abc', '"abc"'],
      ['12abc', '"12abc"'],
      ['1.5', '"1.5"'],
      ['1e3', '"1e3"'],
      ['70000', '70000'],
      ['-1', '-1'],
    ])('rejects HARP_PORT=%s', (value, shown) => {
      expect(failure(() => loadHarpConfig({ env: { HARP_PORT: value } }))).toBe(
        `Invalid configuration: HARP_PORT (env): expected an integer from 0 to 65535, got ${shown}`,
      );
    });

    it('rejects a timeout Node timers cannot hold', () => {
      expect(failure(() => loadHarpConfig({ env: { HARP_REQUEST_TIMEOUT_MS: '2147483648' } }))).toBe(
        'Invalid configuration: HARP_REQUEST_TIMEOUT_MS (env): expected an integer from 1 to 2147483647, got 2147483648',
      );
    });

    it('reports a bad log level', () => {
      expect(failure(() => loadHarpConfig({ env: { HARP_LOG_LEVEL: 'verbose' } }))).toBe(
        'Invalid configuration: HARP_LOG_LEVEL (env): expected one of debug, info, warn, error, got "verbose"',
      );
    });

    it('never echoes secrets', () => {
      const message = failure(() => loadHarpConfig({ env: { HARP_REDIS_URL: 'http://user:pw@host' } }));
      expect(message).toBe('Invalid configuration: HARP_REDIS_URL (env): expected a redis:// or rediss:// URL');
    });

    it('treats empty strings as unset', () => {
      const path = file('empty-env.yaml', 'port: 9000\n');
      const config = loadHarpConfig({ env: { HARP_CONFIG: path, HARP_PORT: '', HARP_KEY: '', HARP_NOPE: '' } });
      expect(config).toMatchObject({ port: 9000, generatedKey: true });
    });

    it('ignores HARP_CONFIG, HARP_TEST_* and other prefixes', () => {
      const env = { HARP_TEST_SLOW: '1', HARPOON: 'x', PORT: '1' };
      expect(loadHarpConfig({ env }).port).toBe(8080);
    });

    it('reads the lingering-close limits', () => {
      const env = { HARP_LINGERING_TIMEOUT_MS: '500', HARP_LINGERING_TIME_MS: '3000', HARP_LINGERING_MAX_BYTES: '0' };
      expect(loadHarpConfig({ env })).toMatchObject({ lingeringTimeoutMs: 500, lingeringTimeMs: 3000, lingeringMaxBytes: 0 });
      expect(loadHarpConfig({ env: {} })).toMatchObject({ lingeringTimeoutMs: 2000, lingeringTimeMs: 10000, lingeringMaxBytes: 67108864 });
    });

    it('reads the inspector settings', () => {
      const env = {
        HARP_INSPECTOR_BODIES: '1',
        HARP_INSPECTOR_CAPACITY: '20',
        HARP_INSPECTOR_BODY_BYTES: '0',
        HARP_INSPECTOR_REDACT_HEADERS: 'X-Api-Key, X-Hub-Signature',
      };
      expect(loadHarpConfig({ env })).toMatchObject({
        inspectorEnabled: true,
        inspectorBodies: true,
        inspectorCapacity: 20,
        inspectorBodyBytes: 0,
        inspectorRedactHeaders: ['X-Api-Key', 'X-Hub-Signature'],
      });
    });

    it('refuses inspector settings whose bodies could outgrow 256 MiB', () => {
      const env = { HARP_INSPECTOR_BODIES: '1', HARP_INSPECTOR_CAPACITY: '100000', HARP_INSPECTOR_BODY_BYTES: '65536' };
      expect(failure(() => loadHarpConfig({ env }))).toBe(
        'Invalid configuration: HARP_INSPECTOR_BODY_BYTES (env): with inspectorCapacity 100000, bodies could hold 12500 MiB; lower inspectorCapacity × inspectorBodyBytes × 2 to at most 256 MiB, got 65536',
      );
      // Without bodies the same capacity holds metadata only.
      expect(loadHarpConfig({ env: { ...env, HARP_INSPECTOR_BODIES: '0' } }).inspectorCapacity).toBe(100000);
    });

    it('names an inspector setting that is not a field name', () => {
      expect(failure(() => loadHarpConfig({ env: { HARP_INSPECTOR_REDACT_HEADERS: 'bad name' } }))).toBe(
        'Invalid configuration: HARP_INSPECTOR_REDACT_HEADERS[0] (env): expected a header field name, got "bad name"',
      );
    });

    it('reports unknown HARP_* variables', () => {
      expect(failure(() => loadHarpConfig({ env: { HARP_PROT: '1' } }))).toBe(
        'Invalid configuration: unknown key "HARP_PROT" (env)',
      );
    });
  });

  describe('overrides', () => {
    it('win over the environment', () => {
      const config = loadHarpConfig({ env: { HARP_PORT: '9000' }, overrides: { port: 0 } });
      expect(config.port).toBe(0);
    });

    it('count undefined as unset', () => {
      const config = loadHarpConfig({ env: { HARP_PORT: '9000' }, overrides: { port: undefined } });
      expect(config.port).toBe(9000);
    });

    it('are reported as their own source', () => {
      expect(failure(() => loadHarpConfig({ env: {}, overrides: { heartbeatMs: 0 } }))).toBe(
        'Invalid configuration: heartbeatMs (overrides): expected an integer from 1 to 2147483647, got 0',
      );
    });
  });

  describe('errors', () => {
    it('name every bad key with its source in one message', () => {
      const path = file('many.yaml', 'maxBodyBytes: -5\nprot: 1\n');
      const message = failure(() => loadHarpConfig({ env: { HARP_CONFIG: path, HARP_PORT: 'abc', HARP_X: '1' } }));
      expect(message).toBe(
        'Invalid configuration: ' +
          [
            'unknown key "HARP_X" (env)',
            'HARP_PORT (env): expected an integer from 0 to 65535, got "abc"',
            `maxBodyBytes (file ${path}): expected a positive integer, got -5`,
            `unknown key "prot" (file ${path})`,
          ].join('; '),
      );
    });

    it('report missing rule fields as required, without echoing keys', () => {
      const message = failure(() => loadHarpConfig({ env: {}, overrides: { keys: [{ id: '', key: 5 as never }] as never } }));
      expect(message).toBe(
        'Invalid configuration: keys[0].id (overrides): expected a non-empty string, got ""; ' +
          'keys[0].key (overrides): expected a non-empty string',
      );
      expect(failure(() => loadHarpConfig({ env: {}, overrides: { keys: [{ key: 'k' }] as never } }))).toBe(
        'Invalid configuration: keys[0].id (overrides): required',
      );
    });

    it('reject duplicate rule ids and keys', () => {
      const keys = [
        { id: 'a', key: 'k1' },
        { id: 'a', key: 'k2' },
        { id: 'b', key: 'k1' },
      ];
      expect(failure(() => loadHarpConfig({ env: {}, overrides: { keys } }))).toBe(
        'Invalid configuration: keys[1].id (overrides): duplicate id, also used by keys[0], got "a"; ' +
          'keys[2].key (overrides): same key as keys[0]; a key must select one rule',
      );
    });

    it('reject a cached object limit above 256 MiB', () => {
      expect(failure(() => loadHarpConfig({ env: { HARP_CACHE_MAX_OBJECT_BYTES: '268435457' } }))).toBe(
        'Invalid configuration: HARP_CACHE_MAX_OBJECT_BYTES (env): expected an integer from 1 to 268435456, got 268435457',
      );
    });

    it('reserve the id "default" when key is set', () => {
      const keys = [{ id: 'default', key: 'k1' }];
      expect(failure(() => loadHarpConfig({ env: { HARP_KEY: 'k0' }, overrides: { keys } }))).toBe(
        'Invalid configuration: keys[0].id (overrides): reserved for the rule made from key, got "default"',
      );
    });
  });
});
