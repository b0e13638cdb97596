import { effectiveKeyRules } from './effective-key-rules.js';

describe('effectiveKeyRules', () => {
  const team = { id: 'team', key: 't', hosts: ['.*'], paths: ['/team'] };

  it('is keys alone without key', () => {
    expect(effectiveKeyRules({ keys: [team] })).toEqual([team]);
  });

  it('adds a default rule for key that may claim anything, and ask for any rate limit on it', () => {
    expect(effectiveKeyRules({ key: 'k', keys: [team] })).toEqual([
      team,
      // The one all-routes key also lets its agents ask for visitor access rules and rate limits.
      { id: 'default', key: 'k', hosts: ['.*'], paths: ['.*'], agentAccess: true, agentRateLimits: true, subdomains: true },
    ]);
  });

  it('returns the same rule objects for the same config', () => {
    const config = { key: 'k', keys: [team] };
    expect(effectiveKeyRules(config)).toBe(effectiveKeyRules(config));
  });
});
