import { CacheStoreError } from './cache-store-error.js';
import { StoreHealth } from './store-health.js';

function setup() {
  const logs = { warn: [] as string[], log: [] as string[] };
  let now = 1000;
  const health = new StoreHealth('redis', { warn: (m) => logs.warn.push(m), log: (m) => logs.log.push(m) }, 100, () => now);
  return { health, logs, advance: (ms: number) => (now += ms) };
}
const failure = new CacheStoreError('store_failed', 'connect ECONNREFUSED');

describe('StoreHealth', () => {
  it('warns once per outage and logs the recovery once', () => {
    const { health, logs } = setup();
    health.failed(failure);
    health.failed(failure);
    health.troubled(new Error('again'));
    expect(logs.warn).toEqual([
      'Cache store redis is failing (connect ECONNREFUSED); requests are forwarded uncached until it recovers',
    ]);
    health.succeeded();
    health.succeeded();
    expect(logs.log).toEqual(['Cache store redis is working again; responses are cached again']);
    health.failed(failure);
    expect(logs.warn).toHaveLength(2);
  });

  it('counts failed operations, not client-level reports', () => {
    const { health } = setup();
    health.troubled(new Error('socket closed'));
    expect(health.storeErrors).toBe(0);
    health.failed(failure);
    expect(health.storeErrors).toBe(1);
  });

  it('counts an unreadable value without declaring an outage', () => {
    const { health, logs } = setup();
    health.unreadable();
    expect(health.storeErrors).toBe(1);
    expect(health.healthy).toBe(true);
    expect(logs.warn).toEqual([]);
  });

  it('skips calls while failing, letting one probe through per interval, and counts the skipped', () => {
    const { health, advance } = setup();
    expect(health.admit()).toBe(true);
    health.failed(failure);
    expect(health.admit()).toBe(false);
    expect(health.admit()).toBe(false);
    expect(health.storeErrors).toBe(3);
    advance(100);
    expect(health.admit()).toBe(true);
    expect(health.admit()).toBe(false);
    health.succeeded();
    expect(health.admit()).toBe(true);
    expect(health.healthy).toBe(true);
  });
});
