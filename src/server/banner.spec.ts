import { loadHarpConfig } from '../config/index.js';
import { bannerText } from './banner.js';

describe('bannerText', () => {
  it('names the listening address, the dashboard, health and the agent command with a generated key', () => {
    const config = loadHarpConfig({ env: {} });
    const text = bannerText(config, 8080);
    expect(text).toContain('HARP proxy listening on http://localhost:8080');
    expect(text).toContain('dashboard: http://localhost:8080/_harp/ (from this machine only; set HARP_ADMIN_TOKEN to open it to others)');
    expect(text).toContain('health:    http://localhost:8080/_harp/healthz');
    expect(text).toContain(`npx harp http 3000 --server ws://localhost:8080 --key ${config.key}`);
  });

  it('says the dashboard asks for the token when one is configured, and never prints a configured key', () => {
    const config = loadHarpConfig({ env: {}, overrides: { host: '10.0.0.5', key: 'k-secret-configured', adminToken: 'admin-secret' } });
    const text = bannerText(config, 9000);
    expect(text).toContain('dashboard: http://10.0.0.5:9000/_harp/ (asks for the admin token)');
    expect(text).toContain('--key <your key>');
    expect(text).not.toContain('k-secret-configured');
    expect(text).not.toContain('admin-secret');
  });

  it('names the HTTPS listener and gives agents its wss:// address when TLS is on', () => {
    const config = loadHarpConfig({ env: {}, overrides: { tlsCert: '/c', tlsKey: '/k', httpRedirect: true, key: 'k-configured' } });
    const text = bannerText(config, 8080, 8443);
    expect(text).toContain('and https://localhost:8443 (http:// redirects there)');
    expect(text).toContain('npx harp http 3000 --server wss://localhost:8443 --key <your key>');
    expect(bannerText(config, 80, 443)).toContain('--server wss://localhost --key');
  });
});
