import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createClient, RESP_TYPES } from '@redis/client';
import { closedPort } from './ports.js';

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

/** The Redis server binary a test may start for itself (on the machine and on CI's). */
export const REDIS_SERVER_BINARY = 'redis-server';

/**
 * Whether `redis-server` can be started, for tests that run their own Redis (to stop and restart
 * it). The rule of {@link redisAvailableOrFail}: in CI a missing binary throws; elsewhere it warns
 * and returns false, and the caller skips.
 */
export function redisServerAvailableOrFail(binary = REDIS_SERVER_BINARY): boolean {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 5000 });
  if (probe.status === 0) return true;
  const reason = probe.error?.message ?? `exit ${probe.status}: ${probe.stderr}`;
  if (process.env.CI) throw new Error(`${binary} cannot be started (${reason}), and CI requires it`);
  console.warn(`Skipping tests that run their own Redis: ${binary} cannot be started (${reason}). Set CI to make this fail.`);
  return false;
}

/** A Redis server of the test's own, on 127.0.0.1, keeping nothing on disk. */
export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** Kills it (SIGKILL): its clients see the connection drop, and every key is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty; resolves once it answers. */
  start(): Promise<void>;
}

/**
 * Starts `redis-server` on a free port with no persistence (`--save ''`, `--appendonly no`), so
 * that a restart comes back empty, as a crashed Redis without persistence does. Stop it in
 * `afterEach` (stopping twice is harmless).
 */
export async function startOwnRedis(binary = REDIS_SERVER_BINARY): Promise<OwnRedis> {
  const port = await closedPort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
  const own: OwnRedis = {
    port,
    url,
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGKILL');
      await exited;
    },
    async start() {
      if (child) throw new Error(`the test's Redis on port ${port} is already running`);
      output = '';
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
      const started = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      started.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
      started.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (started.exitCode !== null) throw new Error(`${binary} on port ${port} exited at once: ${output.slice(-500)}`);
        if (await answers(url)) return;
        if (Date.now() > deadline) throw new Error(`${binary} on port ${port} did not answer within 10 s: ${output.slice(-500)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
  await own.start();
  return own;
}

/** One PING, without retries. */
async function answers(url: string): Promise<boolean> {
  const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 500, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}
