import { originOfListeners, originOfUrl, routeUrl } from './public-origin.js';

const route = (host: string, path = '/') => ({ host, path });

describe('routeUrl', () => {
  it('follows the listeners: http and the port, or https and the TLS port; default ports left out', () => {
    expect(routeUrl(originOfListeners({ port: 8080 }), route('demo.t.example'))).toBe('http://demo.t.example:8080/');
    expect(routeUrl(originOfListeners({ port: 80 }), route('demo.t.example', '/api'))).toBe('http://demo.t.example/api');
    expect(routeUrl(originOfListeners({ port: 8080, tlsPort: 8443 }), route('demo.t.example'))).toBe('https://demo.t.example:8443/');
    expect(routeUrl(originOfListeners({ port: 80, tlsPort: 443 }), route('demo.t.example'))).toBe('https://demo.t.example/');
  });

  it('takes publicUrl\'s scheme and port, and its host for * routes', () => {
    const origin = originOfUrl('https://tunnel.example.com');
    expect(routeUrl(origin, route('demo.tunnel.example.com'))).toBe('https://demo.tunnel.example.com/');
    expect(routeUrl(origin, route('*', '/x'))).toBe('https://tunnel.example.com/x');
    expect(routeUrl(originOfUrl('https://tunnel.example.com:443'), route('a.b'))).toBe('https://a.b/');
    expect(routeUrl(originOfUrl('http://edge.example:8000'), route('a.b'))).toBe('http://a.b:8000/');
  });

  it('has no URL for a wildcard host, nor for * without a known host', () => {
    expect(routeUrl(originOfUrl('https://t.example'), route('*.example.com'))).toBeUndefined();
    expect(routeUrl(originOfListeners({ port: 8080 }), route('*'))).toBeUndefined();
    expect(routeUrl(originOfListeners({ port: 8080 }, 't.example'), route('*'))).toBe('http://t.example:8080/');
  });
});
