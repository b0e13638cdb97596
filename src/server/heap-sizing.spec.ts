import { operatorSizedYoungGeneration } from './heap-sizing.js';

describe('operatorSizedYoungGeneration', () => {
  it('is false when the operator chose no young-generation size', () => {
    expect(operatorSizedYoungGeneration([], '')).toBe(false);
    expect(operatorSizedYoungGeneration(['--enable-source-maps'], '--max-old-space-size=512')).toBe(false);
  });

  it.each([
    [['--max-semi-space-size=16'], ''],
    [[], '--semi-space-growth-factor=2'],
    [['--max_semi_space_size=8'], ''],
    [[], '--min-semi-space-size=4 --max-old-space-size=512'],
  ])('is true when the operator sized it (%j, %j)', (execArgv, nodeOptions) => {
    expect(operatorSizedYoungGeneration(execArgv, nodeOptions)).toBe(true);
  });
});
