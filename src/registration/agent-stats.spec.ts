import { AgentStats } from './agent-stats.js';

describe('AgentStats', () => {
  it('totals requests, bytes and errors (5xx or a proxy error code)', () => {
    const stats = new AgentStats();
    stats.record({ status: 200, bytesIn: 3, bytesOut: 10, backendMs: 4 });
    stats.record({ status: 404, bytesIn: 0, bytesOut: 5, backendMs: 2 });
    stats.record({ status: 502, errorCode: 'backend_failed', bytesIn: 0, bytesOut: 0 });
    stats.record({ status: 413, errorCode: 'body_too_large', bytesIn: 7, bytesOut: 0 });
    stats.record({ status: 503, bytesIn: 0, bytesOut: 1, backendMs: 1 });
    expect(stats).toMatchObject({ requests: 5, errors: 3, bytesIn: 10, bytesOut: 16 });
    expect(stats.latency.count).toBe(3); // only exchanges that got a response head
  });
});
