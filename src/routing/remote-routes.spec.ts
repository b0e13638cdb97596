import { remoteWins } from './remote-routes.js';

describe('remoteWins', () => {
  const r = (host: string, path: string) => ({ host, path });

  it.each([
    ['no local route', undefined, false, r('a.example', '/'), true],
    ['same route, local member free', r('a.example', '/'), true, r('a.example', '/'), false],
    ['same route, no local member can take it', r('a.example', '/'), false, r('a.example', '/'), true],
    ['remote prefix longer', r('a.example', '/'), true, r('a.example', '/api'), true],
    ['local prefix longer, even vacant', r('a.example', '/api'), false, r('a.example', '/'), false],
    ['exact local host beats a remote wildcard', r('a.example', '/'), false, r('*.example', '/api'), false],
    ['remote exact host beats a local wildcard', r('*.example', '/api'), true, r('a.example', '/'), true],
    ['longer wildcard suffix wins', r('*.example', '/'), true, r('*.b.example', '/'), true],
    ['any host loses to a wildcard', r('*.example', '/'), false, r('*', '/x'), false],
  ])('%s', (_name, local, localHasMember, remote, expected) => {
    expect(remoteWins(local, localHasMember, remote)).toBe(expected);
  });
});
