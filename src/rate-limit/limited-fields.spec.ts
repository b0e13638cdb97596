import { parseList } from 'structured-headers';
import { limitedFields, retryAfterSeconds } from './limited-fields.js';
import type { Policy } from './rate-limit-plan.js';

const policy: Policy = { name: 'default', scope: 'ip', rate: { limit: 100, windowSeconds: 1 } };

/** Raw `[name, value, …]` as a map. */
const asMap = (fields: string[]): Map<string, string> => new Map(fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i]!, fields[i + 1]!]] : [])) as Array<[string, string]>);

describe('limitedFields', () => {
  it('writes Retry-After, RateLimit-Policy and RateLimit as the draft spells them', () => {
    expect(limitedFields(policy, 400)).toEqual([
      'Retry-After', '1',
      'RateLimit-Policy', '"default";q=100;w=1',
      'RateLimit', '"default";r=0;t=1',
    ]);
  });

  it('names the policy that refused, with its window', () => {
    const fields = asMap(limitedFields({ name: 'uploads', scope: 'route', rate: { limit: 5, windowSeconds: 3600 } }, 1_799_001));
    expect(fields.get('Retry-After')).toBe('1800');
    expect(fields.get('RateLimit-Policy')).toBe('"uploads";q=5;w=3600');
    expect(fields.get('RateLimit')).toBe('"uploads";r=0;t=1800');
  });

  it('is a valid Structured Field List that a parser reads back', () => {
    const fields = asMap(limitedFields({ name: 'rateLimits.0', scope: 'ip', rate: { limit: 3000, windowSeconds: 60 } }, 59_000));
    const [policyItem] = parseList(fields.get('RateLimit-Policy')!);
    expect(policyItem![0]).toBe('rateLimits.0');
    expect(Object.fromEntries(policyItem![1])).toEqual({ q: 3000, w: 60 });
    const [limitItem] = parseList(fields.get('RateLimit')!);
    expect(Object.fromEntries(limitItem![1])).toEqual({ r: 0, t: 59 });
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [0, 1],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [60_000, 60],
  ])('%d ms → %d s', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});
