import { heapFlagsToSet, PROXY_HEAP_FLAGS } from './heap-sizing.js';

describe('heapFlagsToSet', () => {
  it('sets every flag when the operator chose none', () => {
    expect(heapFlagsToSet([], '')).toEqual([...PROXY_HEAP_FLAGS]);
    expect(heapFlagsToSet(['--enable-source-maps'], '--max-old-space-size=512')).toEqual([...PROXY_HEAP_FLAGS]);
  });

  it.each([
    [['--max-semi-space-size=16'], ''],
    [[], '--semi-space-growth-factor=2'],
    [['--max_semi_space_size=8'], ''],
  ])('leaves the young generation to an operator who sized it (%j, %j)', (execArgv, nodeOptions) => {
    expect(heapFlagsToSet(execArgv, nodeOptions)).toEqual(['--optimize-for-size']);
  });

  it('leaves --optimize-for-size to an operator who named it, either spelling', () => {
    expect(heapFlagsToSet(['--no-optimize-for-size'], '')).toEqual(['--semi-space-growth-factor=1']);
    expect(heapFlagsToSet([], '--optimize_for_size')).toEqual(['--semi-space-growth-factor=1']);
  });
});
