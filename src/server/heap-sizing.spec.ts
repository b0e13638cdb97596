import { heapFlagsToSet } from './heap-sizing.js';

const YOUNG = '--semi-space-growth-factor=1';
const OLD = expect.stringMatching(/^--heap-growing-percent=\d+$/);

describe('heapFlagsToSet', () => {
  it('sets every flag when the operator chose no heap size', () => {
    expect(heapFlagsToSet([], '')).toEqual([YOUNG, OLD]);
    expect(heapFlagsToSet(['--enable-source-maps'], '--max-old-space-size=512')).toEqual([YOUNG, OLD]);
  });

  it.each([
    [['--max-semi-space-size=16'], ''],
    [[], '--semi-space-growth-factor=2'],
    [['--max_semi_space_size=8'], ''],
    [[], '--min-semi-space-size=4 --max-old-space-size=512'],
  ])('leaves the young generation alone when the operator sized it (%j, %j)', (execArgv, nodeOptions) => {
    expect(heapFlagsToSet(execArgv, nodeOptions)).toEqual([OLD]);
  });

  it.each([
    [['--heap-growing-percent=20'], ''],
    [[], '--heap_growing_percent=300'],
  ])('leaves the old generation\'s growth alone when the operator chose it (%j, %j)', (execArgv, nodeOptions) => {
    expect(heapFlagsToSet(execArgv, nodeOptions)).toEqual([YOUNG]);
  });

  it('sets nothing when the operator chose both', () => {
    expect(heapFlagsToSet(['--semi-space-growth-factor=2'], '--heap-growing-percent=50')).toEqual([]);
  });
});
