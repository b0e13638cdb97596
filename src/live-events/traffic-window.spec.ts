import { TrafficWindow } from './traffic-window.js';

describe('TrafficWindow', () => {
  let now: number;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('reads nothing before the first request', () => {
    const reading = new TrafficWindow(10, clock).read();
    expect(reading.totals).toEqual({ requests: 0, errors: 0, bytesIn: 0, bytesOut: 0 });
    expect(reading.recent).toEqual({ windowSeconds: 10, requestsPerSecond: 0, errorsPerSecond: 0, p50Ms: null, p99Ms: null });
  });

  it('counts totals and bytes since start-up', () => {
    const window = new TrafficWindow(10, clock);
    window.record(5, false, 10, 100);
    window.record(7, true, 0, 20);
    expect(window.read().totals).toEqual({ requests: 2, errors: 1, bytesIn: 10, bytesOut: 120 });
  });

  it('gives rates over the window once it has passed', () => {
    const window = new TrafficWindow(10, clock);
    for (let s = 0; s < 20; s++) {
      for (let i = 0; i < 5; i++) window.record(3, i === 0, 0, 0);
      now += 1000;
    }
    now -= 1; // still in the last second recorded
    const { recent } = window.read();
    expect(recent.requestsPerSecond).toBeCloseTo(5, 5);
    expect(recent.errorsPerSecond).toBeCloseTo(1, 5);
  });

  it('divides by the seconds since start-up while younger than the window', () => {
    const window = new TrafficWindow(10, clock);
    for (let i = 0; i < 6; i++) window.record(3, false, 0, 0);
    now += 1000;
    expect(window.read().recent.requestsPerSecond).toBe(3);
  });

  it('forgets seconds that left the window', () => {
    const window = new TrafficWindow(10, clock);
    window.record(500, true, 0, 0);
    now += 11_000;
    window.record(2, false, 0, 0);
    const { recent, totals } = window.read();
    expect(recent.requestsPerSecond).toBeCloseTo(0.1, 5);
    expect(recent.errorsPerSecond).toBe(0);
    expect(recent.p99Ms).toBe(2);
    expect(totals.requests).toBe(2);
  });

  it('reads latency percentiles of the window', () => {
    const window = new TrafficWindow(10, clock);
    for (let i = 0; i < 99; i++) window.record(1, false, 0, 0);
    window.record(1000, false, 0, 0);
    const { recent } = window.read();
    expect(recent.p50Ms).toBe(1);
    expect(recent.p99Ms).toBeLessThanOrEqual(1);
    window.record(1000, false, 0, 0);
    expect(window.read().recent.p99Ms).toBeGreaterThan(500);
  });
});
