import type { RateLimitRule } from '../config/key-rule.js';
import { clientBucket, RateLimitPlan, type LimitedRequest } from './rate-limit-plan.js';

const request = (over: Partial<LimitedRequest> = {}): LimitedRequest => ({ host: 'api.example.com', path: '/v1/x', client: '10.0.0.1', ...over });
const rule = (over: Partial<RateLimitRule>): RateLimitRule => ({ hosts: ['.*'], paths: ['.*'], limit: '10/s', per: 'ip', ...over });

describe('RateLimitPlan', () => {
  it('charges nothing when nothing is configured and the route asked for nothing', () => {
    const plan = new RateLimitPlan({ rateLimits: [] });
    expect(plan.configured).toBe(false);
    expect(plan.charges(request({ route: { host: 'api.example.com', path: '/' } }))).toEqual([]);
  });

  it('charges rateLimit per client address, as the "default" policy', () => {
    const plan = new RateLimitPlan({ rateLimit: '100/s', rateLimits: [] });
    expect(plan.configured).toBe(true);
    expect(plan.charges(request())).toEqual([
      { policy: { name: 'default', scope: 'ip', rate: { limit: 100, windowSeconds: 1 } }, key: 'ip:100/1s:10.0.0.1' },
    ]);
    expect(plan.charges(request({ client: '10.0.0.2' }))[0]!.key).toBe('ip:100/1s:10.0.0.2');
  });

  it('charges every rule whose host and path expressions match the whole host and path', () => {
    const plan = new RateLimitPlan({
      rateLimits: [
        rule({ id: 'api', hosts: ['api\\.example\\.com'], limit: '3000/m' }),
        rule({ id: 'uploads', paths: ['/upload(/.*)?'], per: 'route', limit: '5/h' }),
        rule({ paths: ['/v1(/.*)?'], per: 'route' }),
      ],
    });
    expect(plan.charges(request()).map((c) => c.key)).toEqual(['rule:api:3000/60s:10.0.0.1', 'rule:rateLimits.2:10/1s:*']);
    expect(plan.charges(request({ host: 'API.example.com', path: '/upload' })).map((c) => c.key)).toEqual([
      'rule:api:3000/60s:10.0.0.1',
      'rule:uploads:5/3600s:*',
    ]);
    expect(plan.charges(request({ host: 'api.example.com.evil.net', path: '/uploads' }))).toEqual([]);
  });

  // As access rules do (src/http/path-forms.ts): a path a backend may read as `/login` is
  // charged by a rule written for `/login`.
  it.each(['//login', '/%6Cogin', '/x/../login', '/./login'])('charges a rule for /login on %s', (path) => {
    const plan = new RateLimitPlan({ rateLimits: [rule({ id: 'login', paths: ['/login'] })] });
    expect(plan.charges(request({ path })).map((charge) => charge.policy.name)).toEqual(['login']);
  });

  it('compares paths case-sensitively and hosts without case', () => {
    const plan = new RateLimitPlan({ rateLimits: [rule({ hosts: ['Shop\\.example'], paths: ['/A'] })] });
    expect(plan.charges(request({ host: 'shop.example', path: '/A' }))).toHaveLength(1);
    expect(plan.charges(request({ host: 'shop.example', path: '/a' }))).toHaveLength(0);
  });

  it("charges the limit a route's agents asked for, one bucket for the whole route", () => {
    const plan = new RateLimitPlan({ rateLimit: '100/s', rateLimits: [] });
    const route = { host: '*.example.com', path: '/v1', rateLimit: { limit: 5, windowSeconds: 60 } };
    expect(plan.charges(request({ route }))).toEqual([
      expect.objectContaining({ key: 'ip:100/1s:10.0.0.1' }),
      { policy: { name: 'route', scope: 'route', rate: { limit: 5, windowSeconds: 60 } }, key: 'route:5/60s:*.example.com/v1' },
    ]);
  });
});

describe('clientBucket', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s counts as %s', (address, bucket) => {
    expect(clientBucket(address)).toBe(bucket);
  });
});
