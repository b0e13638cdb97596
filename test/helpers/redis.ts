import { randomBytes } from 'node:crypto';
import { createClient, RESP_TYPES } from '@redis/client';

/** The Redis the tests use: `HARP_TEST_REDIS_URL`, else a local one. */
export const TEST_REDIS_URL = process.env.HARP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether Redis answers at `url`. When it does not: in CI (`CI` set) this throws, so that a
 * missing Redis fails the suite instead of silently skipping it; elsewhere it warns and returns
 * false, and the caller skips its Redis tests.
 *
 * ```ts
 * const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
 * ```
 */
export async function redisAvailableOrFail(url = TEST_REDIS_URL): Promise<boolean> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: false },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const where = withoutCredentials(url);
    if (process.env.CI) throw new Error(`Redis at ${where} is unreachable (${reason}), and CI requires it`, { cause: error });
    console.warn(`Skipping Redis tests: Redis at ${where} is unreachable (${reason}). Set CI to make this fail.`);
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** A connected client for looking at raw keys and values. Destroy it when done. */
export async function rawRedis(url = TEST_REDIS_URL) {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A raw client on the test Redis and the key prefix of the running test. */
export interface RedisScratch {
  readonly raw: Awaited<ReturnType<typeof rawRedis>>;
  readonly prefix: string;
}

/**
 * Call inside a `describe`: one raw client for the block, a fresh {@link uniquePrefix} for each
 * test, and every key under it deleted after the test. Read `raw` and `prefix` inside tests.
 */
export function redisScratch(label: string): RedisScratch {
  const scratch = {} as { raw: RedisScratch['raw']; prefix: string };
  beforeAll(async () => {
    scratch.raw = await rawRedis();
  });
  afterAll(() => scratch.raw.destroy());
  beforeEach(() => {
    scratch.prefix = uniquePrefix(label);
  });
  afterEach(() => deleteKeys(scratch.raw, scratch.prefix));
  return scratch;
}

/** The raw bytes of `key`, or null. */
export async function rawValue(client: Awaited<ReturnType<typeof rawRedis>>, key: string): Promise<Buffer | null> {
  return client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(key);
}

/** A key prefix no other test run uses: `harp:test:<label>:<random>:`. */
export function uniquePrefix(label: string): string {
  return `harp:test:${label}:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key starting with `prefix`. */
export async function deleteKeys(client: Awaited<ReturnType<typeof rawRedis>>, prefix: string): Promise<void> {
  const keys: string[] = [];
  // Not with a Buffer type mapping: the iterator compares the cursor with the string '0'.
  for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
  if (keys.length > 0) await client.unlink(keys);
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
