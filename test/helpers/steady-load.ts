import { Agent, request } from 'node:http';

/** One request's failure, as a client saw it. */
export interface LoadFailure {
  readonly at: number;
  readonly status: number;
  readonly error?: string;
  readonly body: string;
}

/**
 * `concurrency` clients sending GETs in a loop over keep-alive connections until stopped, each
 * request counted: a failure is anything but a whole 200 with the expected body prefix.
 * Bounded: it stops by itself after `maxMs`.
 */
export class SteadyLoad {
  ok = 0;
  readonly failures: LoadFailure[] = [];
  private running = true;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly loops: Promise<void>[];
  private readonly started = performance.now();

  constructor(
    private readonly url: string,
    concurrency: number,
    private readonly expectPrefix = '',
    private readonly maxMs = 60_000,
  ) {
    this.loops = Array.from({ length: concurrency }, (_, i) => this.loop(i));
  }

  get total(): number {
    return this.ok + this.failures.length;
  }

  /** Stops the clients after their current request, and waits for them. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.agent.destroy();
  }

  private async loop(client: number): Promise<void> {
    for (let n = 0; this.running && performance.now() - this.started < this.maxMs; n++) {
      const failure = await this.once(`${this.url}?c=${client}&n=${n}`);
      if (failure) this.failures.push(failure);
      else this.ok++;
    }
  }

  private once(url: string): Promise<LoadFailure | undefined> {
    const at = Math.round(performance.now() - this.started);
    return new Promise((resolve) => {
      const req = request(url, { agent: this.agent, timeout: 15_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => resolve({ at, status: res.statusCode ?? 0, error: err.message, body: '' }));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          const whole = res.complete && res.statusCode === 200 && body.startsWith(this.expectPrefix);
          resolve(whole ? undefined : { at, status: res.statusCode ?? 0, body: body.slice(0, 200) });
        });
      });
      req.on('timeout', () => req.destroy(new Error('client timeout')));
      req.on('error', (err) => resolve({ at, status: 0, error: err.message, body: '' }));
      req.end();
    });
  }
}
