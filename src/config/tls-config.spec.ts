import { ConfigError } from './config.error.js';
import { loadHarpConfig } from './config.loader.js';
import { thrownBy } from '../../test/helpers/thrown.js';

/** The message of the ConfigError `load` throws. */
const failure = (load: () => unknown): string => thrownBy(load, ConfigError).message;

describe('TLS configuration', () => {
  it('is off by default, with the HTTPS port at 8443 and no redirect', () => {
    const config = loadHarpConfig({ env: {} });
    expect(config).toMatchObject({ tlsPort: 8443, httpRedirect: false, tlsCertificates: [] });
    expect(config.tlsCert).toBeUndefined();
    expect(config.tlsKey).toBeUndefined();
  });

  it('reads every key from its environment twin', () => {
    const certificates = [{ hosts: ['*.example.com'], cert: '/tls/e.crt', key: '/tls/e.key' }];
    const config = loadHarpConfig({
      env: {
        HARP_TLS_CERT: '/tls/default.crt',
        HARP_TLS_KEY: '/tls/default.key',
        HARP_TLS_PORT: '443',
        HARP_HTTP_REDIRECT: 'true',
        HARP_TLS_CERTIFICATES: JSON.stringify(certificates),
      },
    });
    expect(config).toMatchObject({ tlsCert: '/tls/default.crt', tlsKey: '/tls/default.key', tlsPort: 443, httpRedirect: true });
    expect(config.tlsCertificates).toEqual(certificates);
  });

  it.each([
    [{ tlsCert: '/c' }, 'tlsCert (overrides): needs tlsKey (HARP_TLS_KEY) as well'],
    [{ tlsKey: '/k' }, 'tlsKey (overrides): needs tlsCert (HARP_TLS_CERT) as well'],
    [{ httpRedirect: true }, 'httpRedirect (overrides): needs TLS on (tlsCert and tlsKey)'],
    [{ tlsCertificates: [{ hosts: ['a.example'], cert: '/c', key: '/k' }] }, 'tlsCertificates (overrides): needs tlsCert and tlsKey as well'],
    [{ tlsCert: '/c', tlsKey: '/k', port: 8443 }, 'tlsPort (default): must differ from port (8443)'],
  ])('refuses %j', (overrides, message) => {
    expect(failure(() => loadHarpConfig({ env: {}, overrides }))).toContain(message);
  });

  it('allows both ports at 0 (each picks a free one)', () => {
    expect(loadHarpConfig({ env: {}, overrides: { tlsCert: '/c', tlsKey: '/k', port: 0, tlsPort: 0 } }).tlsPort).toBe(0);
  });

  it.each(['a.*.example.com', '**.example.com', 'example.com/', 'https://example.com', '', '*'])('refuses the server name %j', (host) => {
    const overrides = { tlsCert: '/c', tlsKey: '/k', tlsCertificates: [{ hosts: [host], cert: '/c', key: '/k' }] };
    expect(failure(() => loadHarpConfig({ env: {}, overrides }))).toContain('tlsCertificates[0].hosts[0] (overrides): expected a server name');
  });

  it('names a missing file of an entry and an unknown field in one', () => {
    const overrides = { tlsCert: '/c', tlsKey: '/k', tlsCertificates: [{ hosts: ['a.example'], cert: '/c', kee: '/k' }] };
    const message = failure(() => loadHarpConfig({ env: {}, overrides: overrides as never }));
    expect(message).toContain('tlsCertificates[0].key (overrides): required');
    expect(message).toContain('unknown key "tlsCertificates[0].kee" (overrides)');
  });

  it('says what HARP_TLS_CERTIFICATES should hold when it is not JSON', () => {
    expect(failure(() => loadHarpConfig({ env: { HARP_TLS_CERTIFICATES: '[{' } }))).toBe(
      'Invalid configuration: HARP_TLS_CERTIFICATES (env): expected JSON (a list of certificates), got text that is not valid JSON',
    );
  });
});
