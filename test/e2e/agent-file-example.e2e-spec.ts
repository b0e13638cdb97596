import { AgentProcess } from '../helpers/agent-process.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';

// examples/harp.yml is the file docs/agent.md points users at: it must keep working as it is.

describe('examples/harp.yml', () => {
  const h = new Harness();
  let agent: AgentProcess | undefined;
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await h.closeAll();
  });

  it('runs under harp start, and each of its services answers', async () => {
    const proxy = await h.proxy();
    const web = await recordingUpstream(h);
    const api = await recordingUpstream(h);
    const admin = await recordingUpstream(h);
    const port = (upstream: { url: string }): string => new URL(upstream.url).port;
    agent = await AgentProcess.startFile('examples/harp.yml', {
      HARP_SERVER: proxy.url,
      HARP_KEY: TEST_KEY,
      WEB_PORT: port(web),
      API_PORT: port(api),
      ADMIN_PORT: port(admin),
      API_TOKEN: 'api-token',
      ADMIN_PASSWORD: 'admin-password',
    });
    const running = agent;
    await eventually(() => running.out.split('\n').length > 3, 5000, 'a Forwarding line per service');
    expect(running.out.split('\n').slice(0, 3).map((line) => line.replace(/ -> .*\(/, ' ('))).toEqual([
      `Forwarding http://127.0.0.1:${proxy.port}/ (web)`,
      `Forwarding http://127.0.0.1:${proxy.port}/api (api)`,
      `Forwarding http://127.0.0.1:${proxy.port}/admin (admin)`,
    ]);

    expect((await send(`${proxy.url}/`, { headers: { 'X-Debug': '1' } })).status).toBe(200);
    const [home] = await web.settled(1);
    expect([home!.url, home!.headers['x-debug']]).toEqual(['/', undefined]);

    expect((await send(`${proxy.url}/api/users?page=2`, { headers: { Cookie: 'a=b', Authorization: 'Bearer visitor' } })).status).toBe(200);
    const [users] = await api.settled(1);
    expect([users!.url, users!.headers.authorization, users!.headers.host, users!.headers.cookie]).toEqual([
      '/users?page=2',
      'Bearer api-token',
      'api.internal',
      undefined,
    ]);

    expect((await send(`${proxy.url}/admin`)).status).toBe(401);
    const login = `Basic ${Buffer.from('admin:admin-password').toString('base64')}`;
    expect((await send(`${proxy.url}/admin/users`, { headers: { Authorization: login } })).status).toBe(200);
    const [users2] = await admin.settled(1);
    expect(users2!.url).toBe('/admin/users');
  }, 30_000);
});
