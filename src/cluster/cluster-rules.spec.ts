import { claimOutcome, isExpired, MISSED_HEARTBEATS_BEFORE_EXPIRY, nodeTtlMs, operationTimeoutMs, ownerTtlMs } from './cluster-rules.js';

describe('cluster rules', () => {
  it('takes a node for dead after three missed heartbeats', () => {
    expect(MISSED_HEARTBEATS_BEFORE_EXPIRY).toBe(3);
    expect(nodeTtlMs(2000)).toBe(6000);
  });

  it.each([
    // lastSeenAt, now, heartbeat, expired
    [1000, 1000, 100, false],
    [1000, 1299, 100, false],
    [1000, 1300, 100, false],
    [1000, 1301, 100, true],
    [0, 6000, 2000, false],
    [0, 6001, 2000, true],
  ])('last seen %d, now %d, heartbeat %d ms: expired %s', (seen, now, heartbeat, expired) => {
    expect(isExpired(seen, now, heartbeat)).toBe(expired);
  });

  it.each([
    [2000, 10000, 16000],
    [100, 0, 300],
    [5000, 30000, 45000],
  ])('an owner key with heartbeat %d and grace %d lives %d ms past its last refresh', (heartbeat, grace, ttl) => {
    expect(ownerTtlMs(heartbeat, grace)).toBe(ttl);
  });

  it.each([
    [undefined, 'team-a', { granted: true, owner: 'team-a', write: 'create' }],
    ['team-a', 'team-a', { granted: true, owner: 'team-a', write: 'refresh' }],
    ['team-a', 'team-b', { granted: false, owner: 'team-a', write: 'none' }],
  ] as const)('claim with owner %s by %s', (current, key, outcome) => {
    expect(claimOutcome(current, key)).toEqual(outcome);
  });

  it.each([
    [10, 500],
    [100, 500],
    [2000, 2000],
    [60000, 5000],
  ])('bounds operations at heartbeat %d ms to %d ms', (heartbeat, bound) => {
    expect(operationTimeoutMs(heartbeat)).toBe(bound);
  });
});
