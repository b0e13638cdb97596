import { AgentProcess } from '../helpers/agent-process.js';
import { sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { SteadyLoad } from '../helpers/steady-load.js';

// docs/operations.md: no request fails because the topology changed. Agents are real `harp http`
// processes, stopped with the signals a deploy sends, under continuous load; every request is
// counted, and "zero failures" means zero.

describe('agents restarted under continuous load', () => {
  const h = new Harness();
  const agents: AgentProcess[] = [];
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop('SIGKILL')));
    await h.closeAll();
  });

  async function setUp(): Promise<{ proxyUrl: string; upstream: string }> {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => {
      // A little work per request, so that some are always in flight when an agent stops.
      setTimeout(() => res.end(`ok ${req.url}`), 5);
    });
    return { proxyUrl: proxy.url, upstream: upstream.url };
  }

  async function agent(upstream: string, proxyUrl: string): Promise<AgentProcess> {
    const started = await AgentProcess.start(upstream, proxyUrl, TEST_KEY);
    agents.push(started);
    return started;
  }

  function report(load: SteadyLoad): string {
    return `${load.ok} ok, ${load.failures.length} failed: ${JSON.stringify(load.failures.slice(0, 5))}`;
  }

  it('a rolling restart of a two-member pool fails no request', async () => {
    const { proxyUrl, upstream } = await setUp();
    const first = [await agent(upstream, proxyUrl), await agent(upstream, proxyUrl)];
    const load = new SteadyLoad(`${proxyUrl}/roll`, 8, 'ok /roll');
    await sleep(500);
    for (const old of first) {
      expect(await old.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      await agent(upstream, proxyUrl);
      await sleep(500);
    }
    await load.stop();
    expect(report(load)).toBe(`${load.ok} ok, 0 failed: []`);
    expect(load.ok).toBeGreaterThan(200);
  }, 60_000);

  it('restarting the only agent of a route fails no request', async () => {
    const { proxyUrl, upstream } = await setUp();
    const only = await agent(upstream, proxyUrl);
    const load = new SteadyLoad(`${proxyUrl}/only`, 8, 'ok /only');
    await sleep(500);
    const stopped = only.stop('SIGTERM');
    const replacement = agent(upstream, proxyUrl); // started as the old one stops, as a deploy does
    expect(await stopped).toEqual({ code: 0, signal: null });
    await replacement;
    await sleep(500);
    await load.stop();
    expect(report(load)).toBe(`${load.ok} ok, 0 failed: []`);
    expect(load.ok).toBeGreaterThan(100);
  }, 60_000);

  it('kill -9 of the only agent: requests in flight and arriving are served by the agent that comes back', async () => {
    const { proxyUrl, upstream } = await setUp();
    const victim = await agent(upstream, proxyUrl);
    const load = new SteadyLoad(`${proxyUrl}/killed`, 8, 'ok /killed');
    await sleep(500);
    expect((await victim.stop('SIGKILL')).signal).toBe('SIGKILL');
    await agent(upstream, proxyUrl);
    await sleep(500);
    await load.stop();
    expect(report(load)).toBe(`${load.ok} ok, 0 failed: []`);
    expect(load.ok).toBeGreaterThan(100);
  }, 60_000);
});
