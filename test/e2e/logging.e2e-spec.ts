import { connect } from '../../src/agent/connect.js';
import { RegistrationService } from '../../src/registration/registration.service.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { startHarpServer } from '../../src/server/harp-server.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { LogCapture } from '../helpers/log-capture.js';

const ADMIN_TOKEN = 'admin-token-for-logging-e2e';
const CLIENT_CREDENTIAL = 'Basic Y2xpZW50OnMzY3JldA==';

// nestjs-pino keeps one root logger per process (the first app's), so this file starts one
// proxy for all its tests; logging-access-off.e2e-spec.ts has the other configuration.
describe('structured logs', () => {
  const h = new Harness();
  const log = new LogCapture();
  let proxy: HarpServer;
  let agentId: string;

  beforeAll(async () => {
    proxy = await startHarpServer({
      env: {},
      overrides: { port: 0, host: '127.0.0.1', key: TEST_KEY, adminToken: ADMIN_TOKEN },
      logDestination: log,
    });
    h.defer(() => proxy.close());
    const upstream = await h.upstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'Set-Cookie': 'sid=upstream-cookie' }).end('0123456789');
    });
    await h.agent(proxy, upstream.url, { routes: [{ host: '*', path: '/api' }] });
    agentId = proxy.app.get(RegistrationService).list()[0]!.id;
  });
  afterAll(() => h.closeAll());

  const accessLines = (requestId: string) => log.lines().filter((l) => l.context === 'Access' && l.requestId === requestId);

  it('writes one JSON line per proxied request, with its id, status, route, agent and cache use', async () => {
    await send(`${proxy.url}/api/things?x=1`, { headers: { 'x-request-id': 'trace-e2e-1' } });
    await eventually(() => accessLines('trace-e2e-1').length > 0, 2000, 'the access line');
    const lines = accessLines('trace-e2e-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      requestId: 'trace-e2e-1',
      method: 'GET',
      host: `127.0.0.1:${proxy.port}`,
      target: '/api/things?x=1',
      status: 200,
      route: '*/api',
      agent: agentId,
      cache: 'uri-miss',
      bytes: 10,
      bytesIn: 0,
      complete: true,
    });
    expect(lines[0]!.ms).toEqual(expect.any(Number));
    expect(lines[0]).not.toHaveProperty('error');
  });

  it('logs refused requests too, with the error code and no route', async () => {
    await send(`${proxy.url}/nowhere`, { headers: { 'x-request-id': 'trace-e2e-404' } });
    await eventually(() => accessLines('trace-e2e-404').length > 0, 2000, 'the access line');
    expect(accessLines('trace-e2e-404')[0]).toMatchObject({ status: 404, error: 'no_route' });
    expect(accessLines('trace-e2e-404')[0]).not.toHaveProperty('route');
  });

  it('never writes credentials, cookies or configured secrets', async () => {
    const headers = { authorization: CLIENT_CREDENTIAL, cookie: 'sid=client-cookie', 'x-request-id': 'trace-e2e-secret' };
    await send(`${proxy.url}/api/private`, { headers });
    // `/_harp/*` goes through Express, where pino-http logs the request with its headers.
    const admin = await send(`${proxy.url}/_harp/nope`, { headers: { ...headers, authorization: `Bearer ${ADMIN_TOKEN}`, 'x-request-id': 'trace-e2e-admin' } });
    expect(admin.status).toBe(404);
    await eventually(() => accessLines('trace-e2e-secret').length > 0, 2000, 'the access line');
    await eventually(() => log.lines().some((l) => l.reqId === 'trace-e2e-admin'), 2000, 'the /_harp request line');

    const adminLines = log.lines().filter((l) => l.reqId === 'trace-e2e-admin' || l.requestId === 'trace-e2e-admin');
    expect(adminLines).toHaveLength(1); // pino-http's; the access log leaves `/_harp/*` to it
    const adminLine = adminLines[0];
    expect(adminLine).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/_harp/nope', headers: { authorization: '[Redacted]', cookie: '[Redacted]' } },
      res: { statusCode: 404 },
    });
    for (const secret of ['Y2xpZW50OnMzY3JldA==', 'client-cookie', 'upstream-cookie', ADMIN_TOKEN, TEST_KEY]) {
      expect(log.text).not.toContain(secret);
    }
  });

  it('logs /_harp requests under the id their client gets back, its own or a new one', async () => {
    const named = await send(`${proxy.url}/_harp/nope`, { headers: { 'x-request-id': 'trace-e2e-named' } });
    const unnamed = await send(`${proxy.url}/_harp/nope`);
    expect(named.headers['x-request-id']).toBe('trace-e2e-named');
    const id = unnamed.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await eventually(() => log.lines().some((l) => l.reqId === id), 2000, 'the line with the id the client got');
    expect(log.lines().some((l) => l.reqId === 'trace-e2e-named')).toBe(true);
  });

  it('names the key rule an agent used, never the key, also when the key is refused', async () => {
    const refused = connect({ server: proxy.url, key: 'wrong-key-for-logging-e2e', handler: (_req, res) => res.end(), reconnect: false });
    await expect(refused).rejects.toMatchObject({ code: 'key_rejected' });
    await eventually(() => log.lines().some((l) => /presented an unknown key/.test(String(l.msg))), 2000, 'the refusal line');

    const registration = log.lines().filter((l) => l.context === 'Registration');
    expect(registration).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 30, msg: expect.stringMatching(/connected with key "default"$/) }),
        expect.objectContaining({ level: 30, msg: `agent ${agentId} serves */api` }),
        expect.objectContaining({ level: 40, msg: expect.stringMatching(/presented an unknown key$/) }),
      ]),
    );
    expect(log.text).not.toContain(TEST_KEY);
    expect(log.text).not.toContain('wrong-key-for-logging-e2e');
  });

  it('routes Nest\'s own start-up lines through pino', () => {
    expect(log.lines()).toEqual(
      expect.arrayContaining([expect.objectContaining({ level: 30, context: 'NestApplication', msg: 'Nest application successfully started' })]),
    );
  });
});
