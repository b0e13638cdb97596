import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createCache } from 'cache-manager';
import { sleep } from '../../test/helpers/eventually.js';
import { rawValue, redisAvailableOrFail, redisScratch, TEST_REDIS_URL, uniquePrefix } from '../../test/helpers/redis.js';
import { loadHarpConfig, type HarpConfigInput } from '../config/index.js';
import { createCacheBackend, type CacheBackend } from './cache-backend.js';
import type { CachedResponse, VariantIndex } from './policy/cache-entry.js';
import { createCachedResponse } from './policy/cached-response.js';
import { CacheManagerHttpCacheStore } from './http-cache-store.js';
import { storageVerdict } from './policy/storability.js';

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;

/** Collects what the store logs. */
function recorder() {
  const warn: string[] = [];
  const log: string[] = [];
  return { warn, log, logger: { warn: (m: string) => warn.push(m), log: (m: string) => log.push(m) } };
}

/** The production stack (config → backend → cache-manager → HttpCacheStore) over Redis. */
const opened: CacheBackend[] = [];
function redisCache(prefix: string, overrides: Partial<HarpConfigInput> = {}, logger = recorder().logger, retryMs?: number) {
  const config = loadHarpConfig({
    env: {},
    // A generous bound for a healthy Redis on a loaded CI machine; the outage tests set their own.
    overrides: { key: 'k', redisUrl: TEST_REDIS_URL, cacheStoreTimeoutMs: 2000, ...overrides },
  });
  const backend = createCacheBackend(config, { redisPrefix: prefix, logger, retryMs });
  opened.push(backend);
  const store = new CacheManagerHttpCacheStore(createCache({ stores: [backend.keyv] }), backend, config);
  return { store, backend };
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((backend) => backend.close()));
});

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

function response(body: Buffer, headers: string[] = []): CachedResponse {
  const head = { status: 200, reason: 'OK', headers: ['Cache-Control', 'max-age=600', ...headers] };
  const verdict = storageVerdict({ method: 'GET', headers: {} }, head, body.length, { maxObjectBytes: 16 << 20 });
  if (!verdict.store) throw new Error(verdict.reason);
  return createCachedResponse(head, body, verdict.policy);
}

describeRedis('Redis store (real Redis)', () => {
  const scratch = redisScratch('redis-store');

  it('round-trips a binary body (every byte value, then random bytes) and repeated headers byte-exact', async () => {
    const { store } = redisCache(scratch.prefix);
    const body = Buffer.concat([ALL_BYTES, randomBytes(1 << 20)]);
    const headers = ['Set-Thing', 'one', 'x-lower', 'Two', 'Set-Thing', 'three', 'X-Latin1', 'caf\u00e9 \u00ff', 'Link', '</a>; rel="x, y"'];
    const entry = response(body, headers);
    expect(await store.set('http://h/bin', entry, 60_000)).toBe(true);
    const back = (await store.get('http://h/bin')) as CachedResponse;
    expect(Buffer.compare(back.body, body)).toBe(0);
    expect(back.headers).toEqual(entry.headers);
    // JSON drops the policy's undefined members, which the library treats as absent anyway.
    const policy = JSON.parse(JSON.stringify(entry.policy)) as unknown;
    expect(back).toMatchObject({ status: 200, reason: 'OK', storedAt: entry.storedAt, policy });
  });

  it('stores the raw value as body bytes plus small metadata, not base64 JSON, under one prefix', async () => {
    const { store } = redisCache(scratch.prefix);
    const body = randomBytes(200_000);
    await store.set('http://h/raw', response(body), 60_000);
    const keys: string[] = [];
    for await (const batch of scratch.raw.scanIterator({ MATCH: `${scratch.prefix}*` })) keys.push(...batch);
    // Exactly our prefix and the key: no second namespace (keyv:…, ::, …).
    expect(keys).toEqual([`${scratch.prefix}http://h/raw`]);
    const value = (await rawValue(scratch.raw, `${scratch.prefix}http://h/raw`))!;
    expect(Buffer.isBuffer(value)).toBe(true);
    expect(value.length - body.length).toBeGreaterThan(0);
    expect(value.length - body.length).toBeLessThan(2_000);
    expect(value[0]).toBe(0x48);
    expect(value.subarray(value.length - body.length).equals(body)).toBe(true);
    expect(value.includes(Buffer.from(body.subarray(0, 48).toString('base64')))).toBe(false);
  });

  it('applies the TTL in Redis and misses once it passed', async () => {
    const { store } = redisCache(scratch.prefix);
    await store.set('http://h/ttl', response(Buffer.from('x')), 60_000);
    const pttl = await scratch.raw.pTTL(`${scratch.prefix}http://h/ttl`);
    expect(pttl).toBeGreaterThan(55_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    await store.set('http://h/short', response(Buffer.from('x')), 150);
    expect(await store.get('http://h/short')).toBeDefined();
    await sleep(250);
    expect(await store.get('http://h/short')).toBeUndefined();
  });

  it('round-trips a variant index', async () => {
    const { store } = redisCache(scratch.prefix);
    const index: VariantIndex = { vary: ['accept-encoding'], gen: 'g', expiresAt: Date.now() + 60_000 };
    await store.set('http://h/v', index, 60_000);
    expect(await store.get('http://h/v')).toEqual(index);
  });

  it('deletes, and clears only its own prefix', async () => {
    const { store } = redisCache(scratch.prefix);
    const foreign = `${uniquePrefix('foreign')}keep`;
    await scratch.raw.set(foreign, 'mine');
    try {
      await store.set('http://h/a', response(Buffer.from('a')), 60_000);
      await store.set('http://h/b', response(Buffer.from('b')), 60_000);
      await store.delete('http://h/a');
      expect(await store.get('http://h/a')).toBeUndefined();
      expect(await store.get('http://h/b')).toBeDefined();
      await store.clear();
      expect(await store.get('http://h/b')).toBeUndefined();
      expect(await scratch.raw.get(foreign)).toBe('mine');
    } finally {
      await scratch.raw.del(foreign);
    }
  });

  it('treats a value it did not write as a miss, without declaring an outage', async () => {
    const logs = recorder();
    const { store, backend } = redisCache(scratch.prefix, {}, logs.logger);
    await scratch.raw.set(`${scratch.prefix}http://h/alien`, JSON.stringify({ value: 'not ours' }));
    expect(await store.get('http://h/alien')).toBeUndefined();
    expect(store.stats().storeErrors).toBe(1);
    expect(backend.health.healthy).toBe(true);
    expect(logs.warn).toEqual([]);
  });

  it('reports no entries or bytes (Redis is shared and evicts on its own)', async () => {
    const { store, backend } = redisCache(scratch.prefix);
    expect(backend.kind).toBe('redis');
    expect(store.stats()).toMatchObject({ entries: undefined, bytes: undefined, evictions: undefined });
  });
});

describe('Redis store failure containment', () => {
  it('with Redis down, get is a miss within the timeout, writes are skipped, errors counted, one warning', async () => {
    const logs = recorder();
    const { store } = redisCache(uniquePrefix('down'), { redisUrl: 'redis://127.0.0.1:1', cacheStoreTimeoutMs: 200 }, logs.logger);
    const started = Date.now();
    expect(await store.get('http://h/a')).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await store.set('http://h/a', response(Buffer.from('a')), 60_000)).toBe(false);
    await expect(store.delete('http://h/a')).resolves.toBeUndefined();
    await expect(store.clear()).resolves.toBeUndefined();
    for (let i = 0; i < 5; i++) expect(await store.get(`http://h/${i}`)).toBeUndefined();
    // Reconnection attempts go on meanwhile; none of their errors is logged again or escapes.
    await sleep(300);
    expect(Date.now() - started).toBeLessThan(2000);
    const stats = store.stats();
    expect(stats.storeErrors).toBeGreaterThanOrEqual(3);
    expect(stats.misses).toBe(6);
    expect(logs.warn).toHaveLength(1);
    expect(logs.warn[0]).toMatch(/^Cache store redis is failing \(.+\); requests are forwarded uncached until it recovers$/);
  });

  it('bounds a Redis that accepts commands but never answers, and recovers when it answers again', async () => {
    const fake = await stallingRedis();
    try {
      const logs = recorder();
      const { store } = redisCache(uniquePrefix('stall'), { redisUrl: fake.url, cacheStoreTimeoutMs: 100 }, logs.logger, 50);
      await fake.connected;
      fake.stall(true);
      const started = Date.now();
      expect(await store.get('http://h/a')).toBeUndefined();
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(90);
      expect(elapsed).toBeLessThan(1000);
      expect(await store.set('http://h/a', response(Buffer.from('a')), 60_000)).toBe(false);
      expect(store.stats().storeErrors).toBeGreaterThanOrEqual(2);
      expect(logs.warn).toHaveLength(1);
      expect(logs.warn[0]).toContain('took longer than 100 ms');

      fake.stall(false);
      await sleep(60);
      expect(await store.get('http://h/b')).toBeUndefined();
      expect(logs.log).toEqual(['Cache store redis is working again; responses are cached again']);
      expect(await store.set('http://h/b', response(Buffer.from('b')), 60_000)).toBe(true);
      expect(logs.warn).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});

/**
 * A TCP server speaking just enough RESP for the client: `+OK` to everything, a nil bulk to GET.
 * While stalled it answers nothing; replies are released in order when it resumes, as a Redis
 * paused by a long command or a congested network would.
 */
async function stallingRedis() {
  const sockets = new Set<Socket>();
  let stalled = false;
  const pending: Array<{ socket: Socket; reply: string }> = [];
  let onConnect!: () => void;
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        const command = takeCommand(buffered);
        if (command === undefined) break;
        buffered = buffered.slice(command.length);
        const reply = command.name === 'GET' ? '$-1\r\n' : '+OK\r\n';
        if (stalled) pending.push({ socket, reply });
        else socket.write(reply);
        if (command.name === 'SETINFO' || command.name === 'CLIENT') onConnect();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connected,
    stall(on: boolean) {
      stalled = on;
      if (!on) for (const { socket, reply } of pending.splice(0)) socket.write(reply);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The first complete RESP command (an array of bulk strings) in `text`: its name and length. */
function takeCommand(text: string): { name: string; length: number } | undefined {
  const header = /^\*(\d+)\r\n/.exec(text);
  if (!header) return undefined;
  let at = header[0].length;
  let name = '';
  for (let i = 0; i < Number(header[1]); i++) {
    const bulk = /^\$(\d+)\r\n/.exec(text.slice(at));
    if (!bulk) return undefined;
    const start = at + bulk[0].length;
    const end = start + Number(bulk[1]);
    if (text.length < end + 2) return undefined;
    if (i === 0) name = text.slice(start, end).toUpperCase();
    at = end + 2;
  }
  return { name, length: at };
}
