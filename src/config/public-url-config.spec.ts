import { ConfigError } from './config.error.js';
import { loadHarpConfig } from './config.loader.js';
import { thrownBy } from '../../test/helpers/thrown.js';

const failure = (load: () => unknown): string => thrownBy(load, ConfigError).message;

describe('public domain and URL configuration', () => {
  it('is unset by default', () => {
    const config = loadHarpConfig({ env: {} });
    expect(config.publicDomain).toBeUndefined();
    expect(config.publicUrl).toBeUndefined();
    expect(config.reconnectSecret).toBeUndefined();
  });

  it('reads every key from its environment twin', () => {
    const config = loadHarpConfig({
      env: {
        HARP_PUBLIC_DOMAIN: 'tunnel.example.com',
        HARP_PUBLIC_URL: 'https://tunnel.example.com:8443',
        HARP_RECONNECT_SECRET: 'reconnect-secret-0123',
      },
    });
    expect(config).toMatchObject({
      publicDomain: 'tunnel.example.com',
      publicUrl: 'https://tunnel.example.com:8443',
      reconnectSecret: 'reconnect-secret-0123',
    });
  });

  it('lets key rules allow subdomains; the rule made from key allows them', () => {
    const config = loadHarpConfig({ env: {}, overrides: { key: 'k'.repeat(20), keys: [{ id: 'a', key: 'a'.repeat(20), subdomains: true }] } });
    expect(config.keys[0]!.subdomains).toBe(true);
  });

  it.each([
    [{ publicDomain: 'localhost' }, 'publicDomain (overrides): expected a lower-case domain name'],
    [{ publicDomain: 'Tunnel.Example.com' }, 'publicDomain (overrides): expected a lower-case domain name'],
    [{ publicDomain: '*.example.com' }, 'publicDomain (overrides): expected a lower-case domain name'],
    [{ publicDomain: 'https://example.com' }, 'publicDomain (overrides): expected a lower-case domain name'],
    [{ publicUrl: 'ftp://example.com' }, 'publicUrl (overrides): expected an http:// or https:// origin'],
    [{ publicUrl: 'https://example.com/base' }, 'publicUrl (overrides): expected an http:// or https:// origin'],
    [{ publicUrl: 'https://user@example.com' }, 'publicUrl (overrides): expected an http:// or https:// origin'],
    [{ reconnectSecret: 'short' }, 'reconnectSecret (overrides): expected at least 16 characters'],
    [{ keys: [{ id: 'a', key: 'k', subdomains: 'yes' }] }, 'keys[0].subdomains (overrides): expected true or false'],
  ])('refuses %j', (overrides, message) => {
    expect(failure(() => loadHarpConfig({ env: {}, overrides: overrides as never }))).toContain(message);
  });

  it('never echoes the reconnect secret', () => {
    expect(failure(() => loadHarpConfig({ env: { HARP_RECONNECT_SECRET: 'tiny-secret' } }))).not.toContain('tiny-secret');
  });
});
