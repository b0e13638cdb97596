import type { KeyRule } from '../config/index.js';
import { reconnectSecretOf, SubdomainClaims, TOKEN_LIFETIME_MS } from './subdomain-claims.js';
import { SubdomainLedger } from './subdomain-ledger.js';

const rule = (id: string, subdomains = true): KeyRule => ({ id, key: `${id}-key`, hosts: ['.*'], paths: ['.*'], subdomains });
const config = { publicDomain: 't.example', reconnectSecret: 'reconnect-secret-0123', generatedKey: false };

describe('SubdomainClaims', () => {
  let now = 1_800_000_000_000;
  const made: SubdomainClaims[] = [];
  const claims = (overrides = {}): SubdomainClaims => {
    const c = new SubdomainClaims({ ...config, ...overrides }, () => now, new SubdomainLedger(1000, () => now));
    made.push(c);
    return c;
  };
  afterEach(() => made.splice(0).forEach((c) => c.close()));

  it('gives a generated name back against its token, to its key only, until the token expires', async () => {
    const names = claims();
    const first = await names.resolve({ subdomain: 'random', path: '/', ttl: '1h' }, rule('a'), 's1');
    if (!first.ok) throw new Error('refused');
    names.release(first.claim.name!, 's1');
    const token = first.claim.token!;
    const back = await names.resolve({ subdomain: 'random', path: '/', token }, rule('a'), 's2');
    expect(back.ok && back.claim.host).toBe(first.claim.host);
    // Another key's presenting it gets a name of its own.
    const other = await names.resolve({ subdomain: 'random', path: '/', token }, rule('b'), 's3');
    expect(other.ok && other.claim.host).not.toBe(first.claim.host);
    now += 3_600_000; // the route's ttl, and so the token, has ended
    const late = await names.resolve({ subdomain: 'random', path: '/', token }, rule('a'), 's4');
    expect(late.ok && late.claim.host).not.toBe(first.claim.host);
  });

  it('issues tokens for a day without a ttl', async () => {
    const got = await claims().resolve({ subdomain: 'random', path: '/' }, rule('a'), 's1');
    const expiry = got.ok ? parseInt(got.claim.token!.split('.')[2]!, 36) : 0;
    expect(expiry).toBe(now + TOKEN_LIFETIME_MS);
  });

  it('gives up after five draws that all collide', async () => {
    const names = claims();
    names.random = (size) => new Uint8Array(size).fill(3);
    expect((await names.resolve({ subdomain: 'random', path: '/' }, rule('a'), 's1')).ok).toBe(true);
    const again = await names.resolve({ subdomain: 'random', path: '/' }, rule('a'), 's2');
    expect(again.ok ? undefined : again.rejection.code).toBe('subdomain_unavailable');
  });

  it('leaves hosts outside the public domain alone, and guards those inside it', async () => {
    const names = claims();
    expect(await names.resolve({ host: 'app.example', path: '/' }, rule('a'), 's1')).toEqual({ ok: true, claim: { host: 'app.example' } });
    expect(await names.resolve({ host: 'Demo.t.example', path: '/' }, rule('a'), 's1')).toEqual({ ok: true, claim: { host: 'demo.t.example', name: 'demo' } });
    const taken = await names.resolve({ host: 'demo.t.example', path: '/x' }, rule('b'), 's2');
    expect(taken.ok ? undefined : taken.rejection.code).toBe('route_owned');
  });
});

describe('reconnectSecretOf', () => {
  it('prefers reconnectSecret, then clusterSecret, then the configured key; else random and short-lived', () => {
    expect(reconnectSecretOf({ reconnectSecret: 'r', clusterSecret: 'c', key: 'k', generatedKey: false })).toEqual({ secret: 'r', lasting: true });
    expect(reconnectSecretOf({ clusterSecret: 'c', key: 'k', generatedKey: false })).toEqual({ secret: 'c', lasting: true });
    const fromKey = reconnectSecretOf({ key: 'k', generatedKey: false });
    expect(fromKey.lasting).toBe(true);
    expect(fromKey.secret).not.toBe('k');
    expect(reconnectSecretOf({ key: 'k', generatedKey: false })).toEqual(fromKey);
    const random = reconnectSecretOf({ key: 'k', generatedKey: true });
    expect(random.lasting).toBe(false);
    expect(reconnectSecretOf({ generatedKey: false }).secret).not.toBe(random.secret);
  });
});
