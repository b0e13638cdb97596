import { agentUrl, backoffDelay } from './agent-options.js';

describe('agentUrl', () => {
  it.each([
    ['ws://proxy.example:8080', 'ws://proxy.example:8080/_harp/connect'],
    ['wss://proxy.example', 'wss://proxy.example/_harp/connect'],
    ['http://proxy.example:8080', 'ws://proxy.example:8080/_harp/connect'],
    ['https://proxy.example/', 'wss://proxy.example/_harp/connect'],
    ['HTTP://Proxy.Example:80', 'ws://proxy.example/_harp/connect'],
    ['proxy.example:8080', 'ws://proxy.example:8080/_harp/connect'],
    ['127.0.0.1:9000', 'ws://127.0.0.1:9000/_harp/connect'],
    ['  localhost:8080  ', 'ws://localhost:8080/_harp/connect'],
    ['ws://proxy.example/custom/path', 'ws://proxy.example/custom/path'],
    ['ws://[::1]:8080', 'ws://[::1]:8080/_harp/connect'],
  ])('%j → %j', (input, expected) => {
    expect(agentUrl(input)).toBe(expected);
  });

  it.each(['ftp://proxy.example', 'file:///tmp/x', 'mailto://a@b'])('refuses the scheme of %j', (input) => {
    expect(() => agentUrl(input)).toThrow(TypeError);
    expect(() => agentUrl(input)).toThrow(/ws:\/\/, wss:\/\/, http:\/\/ or https:\/\//);
  });

  it('refuses something that is not a URL at all', () => {
    expect(() => agentUrl('ws://exa mple')).toThrow();
  });
});

describe('backoffDelay', () => {
  const low = () => 0;
  const high = () => 0.999999;

  it('doubles from the initial delay', () => {
    expect([0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, 500, 30_000, high))).toEqual([
      500, 1000, 2000, 4000, 8000,
    ]);
  });

  it('stays within half and all of the doubled delay (jitter)', () => {
    expect(backoffDelay(0, 500, 30_000, low)).toBe(250);
    expect(backoffDelay(3, 500, 30_000, low)).toBe(2000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(2, 100, 30_000);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });

  it('is capped at the maximum, even for absurd attempt counts', () => {
    expect(backoffDelay(6, 500, 30_000, high)).toBe(30_000);
    expect(backoffDelay(1_000_000, 500, 30_000, high)).toBe(30_000);
    expect(backoffDelay(1_000_000, 500, 30_000, low)).toBe(15_000);
    expect(Number.isFinite(backoffDelay(Number.MAX_SAFE_INTEGER, 500, 30_000))).toBe(true);
  });
});
