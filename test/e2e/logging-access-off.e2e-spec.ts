import { AccessLog } from '../../src/logging/access-log.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { startHarpServer } from '../../src/server/harp-server.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { LogCapture } from '../helpers/log-capture.js';

// A file of its own: nestjs-pino keeps one root logger per process (see logging.e2e-spec.ts).
describe('structured logs with accessLog off', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('writes no per-request lines, for public traffic nor for /_harp/*, and keeps the rest', async () => {
    const log = new LogCapture();
    const proxy: HarpServer = await startHarpServer({
      env: {},
      overrides: { port: 0, host: '127.0.0.1', key: TEST_KEY, accessLog: false },
      logDestination: log,
    });
    h.defer(() => proxy.close());
    const upstream = await h.upstream((_req, res) => res.end('ok'));
    await h.agent(proxy, upstream.url);
    expect((await send(`${proxy.url}/a`, { headers: { 'x-request-id': 'trace-off-1' } })).status).toBe(200);
    expect((await send(`${proxy.url}/_harp/nope`, { headers: { 'x-request-id': 'trace-off-2' } })).status).toBe(404);
    await eventually(() => log.lines().some((l) => l.context === 'Registration'), 2000, 'a registration line');
    await sleep(50);

    expect(proxy.app.get(AccessLog).enabled).toBe(false);
    expect(log.text).not.toContain('trace-off-');
    expect(log.lines().filter((l) => l.msg === 'request completed')).toEqual([]);
    expect(log.lines().some((l) => /connected with key "default"$/.test(String(l.msg)))).toBe(true);
  });

  it('installs no pino output at all when the logger is false (the test harness)', async () => {
    const proxy = await h.proxy();
    // `app.get` of a missing provider would end the process (Nest's abortOnError), so the
    // module graph is read instead.
    const { container } = proxy.app as unknown as { container: { getModules(): Map<string, { metatype: { name: string } }> } };
    const modules = [...container.getModules().values()].map((m) => m.metatype.name);
    expect(modules).toContain('MetricsModule');
    expect(modules).not.toContain('HarpLoggingModule');
    expect(modules).not.toContain('LoggerModule');
  });
});
