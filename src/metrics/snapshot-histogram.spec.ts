import { Histogram, Registry } from 'prom-client';
import { SnapshotHistogram } from './snapshot-histogram.js';

describe('SnapshotHistogram', () => {
  it('renders exactly as a prom-client histogram with the same observations', async () => {
    const bounds = [0.01, 0.1, 1];
    const observations = [0.005, 0.01, 0.05, 0.5, 7];

    const reference = new Registry();
    const histogram = new Histogram({ name: 'x_seconds', help: 'h', labelNames: ['route'], buckets: bounds, registers: [reference] });
    for (const v of observations) histogram.observe({ route: '*/a' }, v);

    const ours = new Registry();
    const series = { labels: { route: '*/a' }, buckets: [2, 1, 1, 1], sum: observations.reduce((a, b) => a + b), count: 5 };
    new SnapshotHistogram('x_seconds', 'h', bounds, () => [series]).registerIn(ours);

    expect(await ours.metrics()).toBe(await reference.metrics());
  });

  it('reads its series at every render, and survives resetMetrics', async () => {
    const registry = new Registry();
    let count = 0;
    new SnapshotHistogram('y_seconds', 'h', [1], () => [{ labels: {}, buckets: [count, 0], sum: count, count }]).registerIn(registry);
    count = 3;
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('y_seconds_count 3');
  });
});
