import { isServing, routeName, tunnelState } from './tunnel-status.js';
import type { TunnelFacts, TunnelState, TunnelStatus } from './tunnel-status.js';

const facts = (over: Partial<TunnelFacts>): TunnelFacts => ({ started: true, closed: false, rejected: false, registered: false, ...over });

describe('tunnelState', () => {
  it.each<[Partial<TunnelFacts>, TunnelState]>([
    [{ started: false }, 'starting'],
    [{ started: false, registered: true }, 'starting'],
    [{}, 'connecting'],
    [{ registered: true }, 'registered'],
    [{ closed: true }, 'closed'],
    [{ closed: true, registered: true }, 'closed'],
    [{ rejected: true }, 'rejected'],
    // A refused agent stops itself: the refusal is what the application needs to hear.
    [{ rejected: true, closed: true }, 'rejected'],
  ])('%j is %s', (given, state) => {
    expect(tunnelState(facts(given))).toBe(state);
  });
});

describe('isServing', () => {
  const status = (state: TunnelState, routes: string[]): TunnelStatus => ({ state, routes, refused: [] });

  it.each<[TunnelStatus, boolean]>([
    [status('registered', ['*/']), true],
    [status('registered', []), false],
    [status('connecting', ['*/']), false],
    [status('closed', ['*/']), false],
    [status('rejected', []), false],
  ])('%j serves: %s', (given, serving) => {
    expect(isServing(given)).toBe(serving);
  });
});

describe('routeName', () => {
  it('joins host and path', () => {
    expect(routeName({ host: 'api.example.com', path: '/v1' })).toBe('api.example.com/v1');
    expect(routeName({ host: '*', path: '/' })).toBe('*/');
  });
});
