import { ConfigError } from './config.error.js';
import { loadHarpConfig } from './config.loader.js';
import { thrownBy } from '../../test/helpers/thrown.js';

/** The message of the ConfigError `load` throws. */
const failure = (load: () => unknown): string => thrownBy(load, ConfigError).message;

describe('rate-limit configuration', () => {
  it('is off by default', () => {
    const config = loadHarpConfig({ env: {} });
    expect(config.rateLimit).toBeUndefined();
    expect(config.rateLimits).toEqual([]);
  });

  it('reads HARP_RATE_LIMIT and HARP_RATE_LIMITS, with the rules\' defaults', () => {
    const rules = [{ id: 'uploads', paths: ['/upload(/.*)?'], limit: '5/m', per: 'route' }, { limit: '10/h' }];
    const config = loadHarpConfig({ env: { HARP_RATE_LIMIT: '100/s', HARP_RATE_LIMITS: JSON.stringify(rules) } });
    expect(config.rateLimit).toBe('100/s');
    expect(config.rateLimits).toEqual([
      { id: 'uploads', hosts: ['.*'], paths: ['/upload(/.*)?'], limit: '5/m', per: 'route' },
      { hosts: ['.*'], paths: ['.*'], limit: '10/h', per: 'ip' },
    ]);
  });

  it.each([
    [{ rateLimit: '100' }, 'rateLimit (overrides): expected N/s, N/m or N/h with N from 1 to 1000000000 (e.g. 100/s), got "100"'],
    [{ rateLimit: '0/s' }, 'rateLimit (overrides): expected N/s, N/m or N/h'],
    [{ rateLimits: [{ limit: '1/d' }] }, 'rateLimits[0].limit (overrides): expected N/s, N/m or N/h'],
    [{ rateLimits: [{ paths: ['/a'] }] }, 'rateLimits[0].limit (overrides): required'],
    [{ rateLimits: [{ limit: '1/s', per: 'key' }] }, 'rateLimits[0].per (overrides): expected ip or route'],
    [{ rateLimits: [{ limit: '1/s', paths: ['('] }] }, 'rateLimits[0].paths[0] (overrides): expected a valid regular expression'],
    [{ rateLimits: [{ limit: '1/s', id: 'a:b' }] }, 'rateLimits[0].id (overrides): expected an id of letters, digits'],
    [{ rateLimits: [{ limit: '1/s', id: 'a' }, { limit: '2/s', id: 'a' }] }, 'rateLimits[1].id (overrides): duplicate id, also used by rateLimits[0]'],
    [{ rateLimits: [{ limit: '1/s', burst: 2 }] }, 'unknown key "rateLimits[0].burst" (overrides)'],
    [{ keys: [{ id: 'a', key: 'k', agentRateLimits: 'yes' }] }, 'keys[0].agentRateLimits (overrides): expected true or false'],
  ])('refuses %j', (overrides, message) => {
    expect(failure(() => loadHarpConfig({ env: {}, overrides: overrides as never }))).toContain(message);
  });

  it('says what HARP_RATE_LIMITS should hold when it is not JSON', () => {
    expect(failure(() => loadHarpConfig({ env: { HARP_RATE_LIMITS: '[{' } }))).toContain(
      'HARP_RATE_LIMITS (env): expected JSON (a list of rate-limit rules), got text that is not valid JSON',
    );
  });

  it('lets a key rule allow its agents to ask for rate limits', () => {
    const config = loadHarpConfig({ env: {}, overrides: { keys: [{ id: 'a', key: 'k', agentRateLimits: true }] } });
    expect(config.keys[0]!.agentRateLimits).toBe(true);
  });
});
