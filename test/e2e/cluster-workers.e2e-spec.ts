import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import type { RequestListener } from 'node:http';
import { fileURLToPath } from 'node:url';
import { AgentProcess } from '../helpers/agent-process.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { redisAvailableOrFail, redisScratch, TEST_REDIS_URL } from '../helpers/redis.js';

// `harp serve --workers 2` as a user runs it: a primary and two workers, real processes, a
// real Redis, an agent in a process of its own. Every request goes on a fresh connection, so
// the primary spreads them over both workers.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'cluster-secret-for-tests-0123';

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** `harp serve [args]` from source (the swc loader gives Nest its decorator metadata). */
class ServeProcess {
  out = '';
  err = '';
  readonly exited: Promise<Exit>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static spawn(args: string[], env: Record<string, string>): ServeProcess {
    const argv = ['--import', './test/helpers/swc-register.js', 'src/cli/bin-entry.ts', 'serve', ...args];
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HARP_PORT: '0', HARP_HOST: '127.0.0.1', HARP_KEY: TEST_KEY, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own, as a shell gives a command: Ctrl-C signals the whole group.
      detached: true,
    });
    return new ServeProcess(child);
  }

  /** Resolves once the primary printed its banner, i.e. every worker serves. */
  async serving(): Promise<void> {
    const ended = (): boolean => this.child.exitCode !== null || this.child.signalCode !== null;
    await eventually(() => /workers on this port/.test(this.out) || ended(), 30_000, 'the banner of the primary');
    if (ended()) throw new Error(`harp serve exited:\n${this.out}${this.err}`);
  }

  get url(): string {
    return `http://127.0.0.1:${/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.out)![1]}`;
  }

  /** The pid of each worker, by node id, as the banner lists them. */
  workerPids(): Map<string, number> {
    return new Map([...this.out.matchAll(/(\S+-w\d+) \(pid (\d+)\)/g)].map((m) => [m[1]!, Number(m[2])]));
  }

  /** The `msg` of every structured log line, the workers' included (they share stdout). */
  messages(): string[] {
    return this.out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => String((JSON.parse(line) as { msg?: unknown }).msg));
  }

  /** Sends `signal` to the primary and its workers at once, as a terminal's Ctrl-C does. */
  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.child.pid!, signal);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.signalGroup('SIGKILL');
  }
}

interface NodesBody {
  nodes: Array<{ id: string; url: string; self: boolean; agents: number; startedAt: string; routes: Array<{ host: string; path: string }> }>;
}

/** `GET /_harp/api/nodes` on a fresh connection: answered by whichever worker takes it. */
async function nodes(url: string): Promise<NodesBody['nodes']> {
  const res = await send(`${url}/_harp/api/nodes`);
  expect(res.status).toBe(200);
  return (JSON.parse(res.body.toString()) as NodesBody).nodes;
}

/** The answers of both workers to `GET /_harp/api/nodes`, by the id of the one answering. */
async function viewsOfBoth(url: string, ids: readonly string[]): Promise<Map<string, NodesBody['nodes']>> {
  const views = new Map<string, NodesBody['nodes']>();
  await eventually(
    async () => {
      const list = await nodes(url);
      views.set(list.find((n) => n.self)!.id, list);
      return ids.every((id) => views.has(id));
    },
    10_000,
    `an answer from each of ${ids.join(', ')}`,
  );
  return views;
}

/** A keep-alive connection (an agent of one socket) that the worker `nodeId` took. */
async function connectionTo(url: string, nodeId: string): Promise<Agent> {
  for (let tries = 0; tries < 20; tries++) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const res = await sendOn(agent, `${url}/_harp/api/nodes`);
    const self = (JSON.parse(res.body.toString()) as NodesBody).nodes.find((n) => n.self)!.id;
    if (self === nodeId) return agent;
    agent.destroy();
  }
  throw new Error(`no connection reached ${nodeId}`);
}

/** A GET on `agent`'s connection, its body collected. */
function sendOn(agent: Agent, url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** `count` GETs of `/w/<i>` on fresh connections, `parallel` at a time; the statuses that were not 200. */
async function failures(url: string, count: number, parallel = 4): Promise<string[]> {
  const failed: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        const res = await send(`${url}/w/${i}`).catch((err: Error) => ({ status: 0, body: Buffer.from(err.message) }));
        if (res.status !== 200 || res.body.toString() !== `served /w/${i}`) failed.push(`/w/${i}: ${res.status} ${res.body.toString()}`);
      }
    }),
  );
  return failed;
}

describeRedis('harp serve --workers 2', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-workers');
  const running: ServeProcess[] = [];
  const agents: AgentProcess[] = [];
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop('SIGKILL')));
    for (const serve of running.splice(0)) {
      serve.kill();
      await serve.exited;
    }
    await h.closeAll();
  });

  const IDS = ['wk-w1', 'wk-w2'];

  async function startWorkers(): Promise<ServeProcess> {
    const serve = ServeProcess.spawn(['--workers', '2'], {
      HARP_CLUSTER_SECRET: SECRET,
      HARP_REDIS_URL: TEST_REDIS_URL,
      HARP_REDIS_PREFIX: scratch.prefix,
      HARP_NODE_ID: 'wk',
      HARP_CLUSTER_HEARTBEAT_MS: '200',
      HARP_SHUTDOWN_TIMEOUT_MS: '5000',
      HARP_ACCESS_LOG: 'false',
    });
    running.push(serve);
    await serve.serving();
    return serve;
  }

  /** An agent on the public port; it lands on one worker. Resolves with that worker's id. */
  async function agentOn(serve: ServeProcess, handler: RequestListener = (req, res) => res.end(`served ${req.url}`)): Promise<string> {
    const upstream = await h.upstream(handler);
    agents.push(await AgentProcess.start(upstream.url, serve.url, TEST_KEY));
    let holder: string | undefined;
    await eventually(
      async () => {
        const views = await viewsOfBoth(serve.url, IDS);
        // Both workers must know where the route is before a request may land on either.
        const seen = [...views.values()].map((list) => list.find((n) => n.agents === 1 && n.routes.length === 1)?.id);
        holder = seen[0];
        return seen.every((id) => id !== undefined && id === holder);
      },
      10_000,
      'both workers to see the agent',
    );
    return holder!;
  }

  it('serves one port from two nodes, forwards between them, and stops both on SIGTERM with status 0', async () => {
    const serve = await startWorkers();
    expect([...serve.workerPids().keys()]).toEqual(IDS);
    const views = await viewsOfBoth(serve.url, IDS);
    for (const list of views.values()) expect(list.map((n) => n.id).sort()).toEqual(IDS);
    // Each has an internal listener of its own, not one socket shared through the primary.
    expect(new Set(views.get(IDS[0]!)!.map((n) => n.url)).size).toBe(2);

    const holder = await agentOn(serve);
    expect(await failures(serve.url, 60)).toEqual([]);

    // The worker without the agent took its share of the public connections and forwarded them.
    const other = IDS.find((id) => id !== holder)!;
    const seenBy = new Map<string, number>();
    await eventually(async () => {
      const res = await send(`${serve.url}/_harp/api/inspector/requests?pathPrefix=/w/&limit=1000`);
      const list = JSON.parse(res.body.toString()) as { node: string; entries: Array<{ status: number | null }> };
      seenBy.set(list.node, list.entries.filter((e) => e.status === 200).length);
      return IDS.every((id) => seenBy.has(id));
    }, 10_000, 'the inspector of each worker');
    expect(seenBy.get(other)).toBeGreaterThan(0);

    // SIGHUP (certificates renewed) goes to every worker, and ends none of them.
    serve.child.kill('SIGHUP');
    await viewsOfBoth(serve.url, IDS);
    expect(await failures(serve.url, 20)).toEqual([]);

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    // Each worker ran its own graceful shutdown, and left the directory as a clean stop does.
    expect(serve.messages().filter((m) => m === 'shutdown drained: nothing left in flight')).toHaveLength(2);
    // The workers that stopped are the first ones: none ended early (on SIGHUP) and came back.
    for (const [id, pid] of serve.workerPids()) expect(serve.err).toMatch(new RegExp(`harp: worker \\d \\(${id}, pid ${pid}\\) stopped\\n`));
    expect(serve.err).not.toContain('starting it again');
    expect(serve.err).toContain('harp: all workers stopped\n');
    expect(await scratch.raw.keys(`${scratch.prefix}node:*`)).toEqual([]);
  }, 90_000);

  // On the agent's worker, and on the other one, which forwards it: a worker that stops waits
  // for what other workers forwarded to it as for its own.
  it.each([
    ['the worker holding the agent', true],
    ['the worker without the agent', false],
  ])('lets a request in flight on %s finish when Ctrl-C reaches the primary and its workers at once', async (_where, onHolder) => {
    const serve = await startWorkers();
    let arrived!: () => void;
    const inUpstream = new Promise<void>((resolve) => (arrived = resolve));
    const holder = await agentOn(serve, (req, res) => {
      if (req.url !== '/slow') return void res.end(`served ${req.url}`);
      arrived();
      // Longer than the drain's wait for agents' connections to close (2.5 s), which would
      // otherwise hold a forwarded request by chance.
      setTimeout(() => res.end('slow and whole'), 3500);
    });
    const connection = await connectionTo(serve.url, onHolder ? holder : IDS.find((id) => id !== holder)!);
    h.defer(() => connection.destroy());
    const slow = sendOn(connection, `${serve.url}/slow`);
    await inUpstream;
    // Each worker gets the terminal's SIGINT and the primary's stop: one shutdown, not two signals.
    serve.signalGroup('SIGINT');
    const res = await slow;
    expect([res.status, res.body.toString()]).toEqual([200, 'slow and whole']);
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(serve.err).not.toContain('during shutdown');
    expect(serve.messages().filter((m) => m === 'shutdown drained: nothing left in flight')).toHaveLength(2);
  }, 90_000);

  it('starts a worker killed with SIGKILL again, which then serves too', async () => {
    const serve = await startWorkers();
    const holder = await agentOn(serve);
    const victim = IDS.find((id) => id !== holder)!;
    const { startedAt: before, url: address } = (await nodes(serve.url)).find((n) => n.id === victim)!;
    const pid = serve.workerPids().get(victim)!;

    process.kill(pid, 'SIGKILL');
    await eventually(() => serve.err.includes(`(${victim}, pid ${pid}) died of SIGKILL; starting it again in 0.1 s`), 10_000, 'the primary to notice');
    const again = new RegExp(`harp: worker \\d \\(${victim}, pid (\\d+)\\) is serving again`);
    await eventually(() => again.test(serve.err), 30_000, 'the new worker to serve');
    expect(Number(again.exec(serve.err)![1])).not.toBe(pid);

    // The new worker took its slot's address back, so its record replaced the dead one's (a
    // record at another address would wait for the dead one's to expire); it knows the agent.
    await eventually(
      async () => {
        const views = await viewsOfBoth(serve.url, IDS);
        const seen = views.get(holder)!.find((n) => n.id === victim)!;
        const knowsHolder = views.get(victim)!.some((n) => n.id === holder && n.routes.length === 1);
        return seen.startedAt > before && seen.url === address && knowsHolder;
      },
      10_000,
      'the new worker in the directory',
    );
    expect(await failures(serve.url, 40)).toEqual([]);

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});

describe('harp serve --workers 2 without cluster mode', () => {
  let serve: ServeProcess | undefined;
  afterEach(() => serve?.kill());

  it('refuses to start, and says why', async () => {
    serve = ServeProcess.spawn(['--workers', '2'], {});
    expect(await serve.exited).toEqual({ code: 1, signal: null });
    expect(serve.err).toMatch(/^harp: Invalid configuration: HARP_WORKERS \(env\): more than 1 needs cluster mode \(clusterSecret, HARP_CLUSTER_SECRET\)/);
    expect(serve.out).toBe('');
  }, 30_000);
});
