import { RESERVED_SUBDOMAINS, subdomainHost, subdomainOf, subdomainProblem } from './subdomain-rules.js';

describe('subdomainProblem', () => {
  it.each(['a', 'demo', 'my-app', 'x1', '1x', 'a'.repeat(63), 'pr-1234'])('accepts %s', (name) => {
    expect(subdomainProblem(name)).toBeUndefined();
  });

  it.each(['', '-demo', 'demo-', 'Demo', 'my_app', 'a.b', 'a'.repeat(64), 'dé', ' demo', '*'])('refuses %j as subdomain_invalid', (name) => {
    expect(subdomainProblem(name)?.code).toBe('subdomain_invalid');
  });

  it.each([...RESERVED_SUBDOMAINS])('refuses %s as subdomain_reserved', (name) => {
    expect(subdomainProblem(name)?.code).toBe('subdomain_reserved');
  });

  it('reserves the names the documentation promises', () => {
    for (const name of ['www', 'api', 'admin', 'harp', 'random']) expect(RESERVED_SUBDOMAINS.has(name)).toBe(true);
  });
});

describe('subdomainOf / subdomainHost', () => {
  it('finds the one label under the domain, whatever the case', () => {
    expect(subdomainOf('demo.tunnel.example.com', 'tunnel.example.com')).toBe('demo');
    expect(subdomainOf('DEMO.Tunnel.Example.com', 'tunnel.example.com')).toBe('demo');
    expect(subdomainHost('demo', 'tunnel.example.com')).toBe('demo.tunnel.example.com');
  });

  it.each(['tunnel.example.com', 'a.b.tunnel.example.com', '*.tunnel.example.com', 'demo.example.com', 'xtunnel.example.com'])(
    'finds none in %s',
    (host) => {
      expect(subdomainOf(host, 'tunnel.example.com')).toBeUndefined();
    },
  );
});
