import { clusterUrlOf } from './cluster-url.js';

describe('clusterUrlOf', () => {
  it.each([
    ['http://edge-1.internal:9000', '0.0.0.0', 7000, 'http://edge-1.internal:9000'],
    [undefined, '10.0.0.5', 7000, 'http://10.0.0.5:7000'],
    [undefined, '0.0.0.0', 7000, 'http://box:7000'],
    [undefined, '::', 7001, 'http://box:7001'],
    [undefined, '::1', 7002, 'http://[::1]:7002'],
    [undefined, 'edge-1', 7003, 'http://edge-1:7003'],
  ])('configured %s, host %s, port %d → %s', (configured, host, port, url) => {
    expect(clusterUrlOf(configured, host, port, 'box')).toBe(url);
  });
});
