import 'reflect-metadata';
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '../../src/agent/connect.js';
import type { ConnectOptions } from '../../src/agent/agent-options.js';
import type { HarpAgent } from '../../src/agent/harp-agent.js';
import type { HarpConfigInput } from '../../src/config/index.js';
import { startHarpServer } from '../../src/server/harp-server.js';
import type { HarpServer } from '../../src/server/harp-server.js';

export const TEST_KEY = 'test-key-0123456789';

/** Everything a test started, closed in reverse order by `closeAll`. */
export class Harness {
  private readonly closers: Array<() => Promise<unknown> | unknown> = [];

  /** A proxy on 127.0.0.1:0 with a known key, silent, reading no environment. */
  async proxy(overrides: Partial<HarpConfigInput> = {}): Promise<HarpServer> {
    const server = await startHarpServer({
      env: {},
      overrides: { port: 0, host: '127.0.0.1', key: TEST_KEY, ...overrides },
      logger: false,
    });
    this.closers.push(() => server.close());
    return server;
  }

  /** A plain `node:http` upstream on 127.0.0.1:0. */
  async upstream(handler: RequestListener): Promise<{ server: Server; url: string }> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  /** An agent registered on `proxy`, serving `upstream` (a URL) or an in-process handler. */
  async agent(
    proxy: HarpServer,
    target: string | ((req: IncomingMessage, res: ServerResponse) => void),
    options: Partial<ConnectOptions> = {},
  ): Promise<HarpAgent> {
    const agent = await connect({
      server: proxy.url,
      key: TEST_KEY,
      ...(typeof target === 'string' ? { upstream: target } : { handler: target }),
      reconnect: false,
      ...options,
    });
    this.closers.push(() => agent.close(100));
    return agent;
  }

  defer(closer: () => Promise<unknown> | unknown): void {
    this.closers.push(closer);
  }

  async closeAll(): Promise<void> {
    while (this.closers.length > 0) await this.closers.pop()!();
  }
}
