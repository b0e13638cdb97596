import { httpsLocation, servedWithoutRedirect } from './https-redirect.js';

describe('httpsLocation', () => {
  it.each([
    ['/a/b?c=d', 'app.example.com', 8443, 'https://app.example.com:8443/a/b?c=d'],
    ['/', 'app.example.com:8080', 443, 'https://app.example.com/'],
    ['/x', 'App.Example.COM', 443, 'https://app.example.com/x'],
    ['/x', '127.0.0.1:8080', 8443, 'https://127.0.0.1:8443/x'],
    ['/x', '[::1]:8080', 8443, 'https://[::1]:8443/x'],
    ['http://abs.example/p?q', 'ignored.example', 443, 'https://abs.example/p?q'],
    ['/_harp/', 'app.example.com', 443, 'https://app.example.com/_harp/'],
    ['/_harp/api/agents', 'app.example.com', 443, 'https://app.example.com/_harp/api/agents'],
    ['/_harp/healthzz', 'app.example.com', 443, 'https://app.example.com/_harp/healthzz'],
  ])('%s with Host %s → %s', (url, host, port, location) => {
    expect(httpsLocation(url, host, port)).toBe(location);
  });

  it.each([
    ['/.well-known/acme-challenge/token-1', 'app.example.com'],
    ['/_harp/healthz', 'app.example.com'],
    ['/_harp/healthz?verbose=1', 'app.example.com'],
    ['/_harp/readyz', 'app.example.com'],
    ['/_harp/connect', 'app.example.com'],
    ['/x', undefined],
    ['/x', ''],
    ['/x', 'evil.example/other'],
    ['/x', 'a b'],
    ['/x', 'user@host'],
    ['*', 'app.example.com'],
    ['example.com:443', 'app.example.com'],
  ])('%s with Host %s is served as before', (url, host) => {
    expect(httpsLocation(url, host, 443)).toBeUndefined();
  });
});

describe('servedWithoutRedirect', () => {
  it.each([
    ['/.well-known/acme-challenge/abc', true],
    ['/.well-known/acme-challenge', false],
    ['/.well-known/security.txt', false],
    ['/_harp/connect', true],
    ['/_harp/connect/x', false],
  ])('%s → %s', (path, expected) => {
    expect(servedWithoutRedirect(path)).toBe(expected);
  });
});
