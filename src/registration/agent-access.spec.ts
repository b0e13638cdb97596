import type { KeyRule } from '../config/index.js';
import { agentAccess, memoizedAccess } from './agent-access.js';

const rule = (agentAccess?: boolean): KeyRule => ({ id: 'team', key: 'k', hosts: ['.*'], paths: ['.*'], ...(agentAccess === undefined ? {} : { agentAccess }) });

describe('agentAccess', () => {
  it.each([
    ['unset', undefined],
    ['off', false],
  ])('refuses a key whose agentAccess is %s with route_access_forbidden', (_name, allowed) => {
    expect(agentAccess(rule(allowed), { allowIps: ['10.0.0.0/8'] })).toEqual({
      code: 'route_access_forbidden',
      reason: 'key "team" may not ask for access rules (its rule\'s agentAccess is off)',
    });
  });

  it('hashes what an allowed key sends: no password is kept as sent', () => {
    const policy = agentAccess(rule(true), { basicAuth: [{ user: 'dev', password: 'plain' }], bearerTokens: ['tok'] });
    expect(policy).not.toHaveProperty('code');
    expect(JSON.stringify(policy)).not.toContain('plain');
    expect(JSON.stringify(policy)).not.toContain('"tok"');
  });

  it('refuses rules it cannot use with route_access_invalid', () => {
    expect(agentAccess(rule(true), { denyIps: ['not-an-ip'] })).toEqual({
      code: 'route_access_invalid',
      reason: '"not-an-ip" is not an IP address or CIDR block',
    });
  });
});

describe('memoizedAccess', () => {
  it('hashes one set of rules once for every route of a message that carries it', () => {
    const asked = memoizedAccess(rule(true));
    const access = { basicAuth: [{ user: 'dev', password: 'pw' }] };
    const first = asked(access);
    expect(asked({ basicAuth: [{ user: 'dev', password: 'pw' }] })).toBe(first);
    expect(asked({ basicAuth: [{ user: 'dev', password: 'other' }] })).not.toBe(first);
  });
});
