import { chooseLoadGenerator } from '../../bench/load-generator.js';
import { runLoad } from '../../bench/measure.js';
import { runWrk } from '../../bench/wrk.js';

describe('chooseLoadGenerator', () => {
  it('drives the load with wrk when it is installed, with nothing to warn about', () => {
    const generator = chooseLoadGenerator(true);
    expect(generator.name).toBe('wrk');
    expect(generator.run).toBe(runWrk);
    expect(generator.warning).toBeUndefined();
  });

  it('falls back to autocannon with a warning that says the ratios are optimistic and how to get wrk', () => {
    const generator = chooseLoadGenerator(false);
    expect(generator.name).toBe('autocannon');
    expect(generator.run).toBe(runLoad);
    expect(generator.warning).toMatch(/optimistic/);
    expect(generator.warning).toMatch(/apt-get install -y wrk/);
  });
});
