import { hashPassword, tokenDigestText } from '../access/index.js';
import { ConfigError } from './config.error.js';
import { loadHarpConfig } from './config.loader.js';
import { thrownBy } from '../../test/helpers/thrown.js';

/** The message of the ConfigError `load` throws. */
const failure = (load: () => unknown): string => thrownBy(load, ConfigError).message;

const HASH = hashPassword('pw', { N: 16, r: 1, p: 1 });

describe('access rules in the configuration', () => {
  it('default to none; a rule defaults to every host and path and demands only what it lists', () => {
    expect(loadHarpConfig({ env: {} }).access).toEqual([]);
    const config = loadHarpConfig({ env: {}, overrides: { access: [{ denyIps: ['fd00::/8'] }] } });
    expect(config.access).toEqual([{ hosts: ['.*'], paths: ['.*'], basicAuth: [], bearerTokens: [], allowIps: [], denyIps: ['fd00::/8'] }]);
  });

  it('come from HARP_ACCESS as JSON', () => {
    const rules = [{ paths: ['/admin(/.*)?'], realm: 'staff', basicAuth: [{ user: 'alice', password: HASH }], bearerTokens: [tokenDigestText('t')] }];
    const config = loadHarpConfig({ env: { HARP_ACCESS: JSON.stringify(rules) } });
    expect(config.access[0]).toMatchObject(rules[0]!);
  });

  it('refuse a plain password or token without echoing it', () => {
    const message = failure(() =>
      loadHarpConfig({ env: {}, overrides: { access: [{ basicAuth: [{ user: 'alice', password: 'hunter2' }], bearerTokens: ['plain-token'] }] } }),
    );
    expect(message).toContain('access[0].basicAuth[0].password (overrides): expected a scrypt$N$r$p$salt$hash password hash');
    expect(message).toContain('access[0].bearerTokens[0] (overrides): expected a sha256:<64 hex digits> token digest');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('plain-token');
  });

  it.each([
    ['a user-id with a colon', { basicAuth: [{ user: 'a:b', password: HASH }] }, 'access[0].basicAuth[0].user'],
    ['a realm with a quote', { realm: 'a"b' }, 'access[0].realm'],
    ['a bad CIDR block', { allowIps: ['10.0.0.0/33'] }, 'access[0].allowIps[0]'],
    ['a bad expression', { paths: ['('] }, 'access[0].paths[0]'],
    ['an unknown field', { users: [] }, 'unknown key "access[0].users"'],
  ])('refuse %s', (_name, rule, where) => {
    expect(failure(() => loadHarpConfig({ env: {}, overrides: { access: [rule as never] } }))).toContain(where);
  });

  it('let a key rule say whether its agents may ask for access rules', () => {
    const config = loadHarpConfig({ env: {}, overrides: { keys: [{ id: 'a', key: 'key-a', agentAccess: true }, { id: 'b', key: 'key-b' }] } });
    expect(config.keys.map((rule) => rule.agentAccess)).toEqual([true, undefined]);
    expect(failure(() => loadHarpConfig({ env: {}, overrides: { keys: [{ id: 'a', key: 'k', agentAccess: 'yes' as never }] } }))).toContain(
      'keys[0].agentAccess (overrides): expected true or false',
    );
  });
});
