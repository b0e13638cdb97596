import { acceptedFeatures, offeredFeatures, welcomedFeatures } from './features.js';

describe('feature negotiation (docs/protocol.md §3.5)', () => {
  it('offers every feature by default, as a comma-separated list', () => {
    expect(offeredFeatures()).toBe('interim, trailers, continue, subdomains');
    expect(offeredFeatures(['trailers'])).toBe('trailers');
  });

  it.each<[string | string[] | undefined, string[] | undefined]>([
    [undefined, undefined],
    ['', []],
    ['interim, trailers', ['interim', 'trailers']],
    ['TRAILERS', ['trailers']],
    [' trailers ,, future-thing ', ['trailers']],
    [['interim', 'trailers'], ['interim', 'trailers']],
    ['h2-upstream', []],
    ['continue, interim', ['interim', 'continue']],
    // `continue` travels as an interim head: without `interim` it cannot be used.
    ['continue', []],
    ['trailers, continue', ['trailers']],
  ])('the proxy accepts %j as %j', (header, accepted) => {
    expect(acceptedFeatures(header)).toEqual(accepted);
  });

  it('the agent uses only what welcome lists and it offered', () => {
    expect([...welcomedFeatures(undefined)]).toEqual([]);
    expect([...welcomedFeatures([])]).toEqual([]);
    expect([...welcomedFeatures(['trailers', 'interim'])]).toEqual(['interim', 'trailers']);
    expect([...welcomedFeatures(['interim', 'trailers'], ['trailers'])]).toEqual(['trailers']);
    expect([...welcomedFeatures(['unknown', 'interim'])]).toEqual(['interim']);
    expect([...welcomedFeatures(['continue', 'interim'])]).toEqual(['interim', 'continue']);
    // A proxy that lists `continue` without `interim` breaks §3.5; the agent uses neither half.
    expect([...welcomedFeatures(['continue'])]).toEqual([]);
    expect([...welcomedFeatures(['interim', 'continue'], ['continue'])]).toEqual([]);
  });
});
