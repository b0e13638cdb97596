import { decideAccess } from './access-decision.js';
import type { AccessPolicy } from './access-policy.js';
import { CredentialCheck } from './credential-check.js';
import { hashPassword, tokenDigestText } from './password-hash.js';
import { plainPolicy, storedPolicy } from './policy-builder.js';

const CHEAP = { N: 16, r: 1, p: 1 };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const open = storedPolicy({});
const alice = storedPolicy({ realm: 'staff', basicAuth: [{ user: 'alice', password: hashPassword('wonder', CHEAP) }] });
const bearer = storedPolicy({ bearerTokens: [tokenDigestText('t0ken')] });
const either = storedPolicy({ basicAuth: [{ user: 'bob', password: hashPassword('builder', CHEAP) }], bearerTokens: [tokenDigestText('t0ken')] });
const office = storedPolicy({ allowIps: ['10.0.0.0/8', '2001:db8::/32'] });
const blocked = storedPolicy({ denyIps: ['10.6.6.0/24', '2001:db8:bad::/48'] });

describe('decideAccess', () => {
  const check = new CredentialCheck();
  const decide = (policies: AccessPolicy[], address: string | undefined, authorization?: string) =>
    decideAccess(policies, { address, authorization }, check);

  it.each<[string, AccessPolicy[], string | undefined, string | undefined, unknown]>([
    ['no rule', [], '1.2.3.4', undefined, { outcome: 'allow', consumed: false }],
    ['a rule that demands nothing', [open], '1.2.3.4', basic('x', 'y'), { outcome: 'allow', consumed: false }],
    ['the right password', [alice], '1.2.3.4', basic('alice', 'wonder'), { outcome: 'allow', consumed: true }],
    ['a wrong password', [alice], '1.2.3.4', basic('alice', 'w0nder'), { outcome: 'unauthorized', challenges: ['Basic realm="staff", charset="UTF-8"'] }],
    ['an unknown user', [alice], '1.2.3.4', basic('mallory', 'wonder'), { outcome: 'unauthorized', challenges: ['Basic realm="staff", charset="UTF-8"'] }],
    ['no credentials', [alice], '1.2.3.4', undefined, { outcome: 'unauthorized', challenges: ['Basic realm="staff", charset="UTF-8"'] }],
    ['a bearer token where Basic is asked', [alice], '1.2.3.4', 'Bearer t0ken', { outcome: 'unauthorized', challenges: ['Basic realm="staff", charset="UTF-8"'] }],
    ['the right token', [bearer], '1.2.3.4', 'Bearer t0ken', { outcome: 'allow', consumed: true }],
    ['a wrong token', [bearer], '1.2.3.4', 'Bearer t0kem', { outcome: 'unauthorized', challenges: ['Bearer realm="HARP"'] }],
    ['either scheme, Basic', [either], '1.2.3.4', basic('bob', 'builder'), { outcome: 'allow', consumed: true }],
    ['either scheme, Bearer', [either], '1.2.3.4', 'Bearer t0ken', { outcome: 'allow', consumed: true }],
    ['either scheme, neither', [either], '1.2.3.4', undefined, { outcome: 'unauthorized', challenges: ['Basic realm="HARP", charset="UTF-8"', 'Bearer realm="HARP"'] }],
    ['an allowed IPv4 address', [office], '10.1.1.1', undefined, { outcome: 'allow', consumed: false }],
    ['an allowed IPv6 address', [office], '2001:db8::42', undefined, { outcome: 'allow', consumed: false }],
    ['an address outside the allow list', [office], '11.1.1.1', undefined, { outcome: 'ip_denied' }],
    ['an IPv6 address outside the allow list', [office], '2001:db9::1', undefined, { outcome: 'ip_denied' }],
    ['an unknown address and an allow list', [office], undefined, undefined, { outcome: 'ip_denied' }],
    ['a denied IPv4 address', [blocked], '10.6.6.6', undefined, { outcome: 'ip_denied' }],
    ['a denied IPv6 address', [blocked], '2001:db8:bad::1', undefined, { outcome: 'ip_denied' }],
    ['an address no deny list names', [blocked], '10.6.7.1', undefined, { outcome: 'allow', consumed: false }],
    // Order: deny, allow, then credentials, across every rule that applies.
    ['denied despite the right password', [alice, blocked], '10.6.6.6', basic('alice', 'wonder'), { outcome: 'ip_denied' }],
    ['denied by one rule, allowed by another', [office, blocked], '10.6.6.6', undefined, { outcome: 'ip_denied' }],
    ['outside the allow list, before any credentials', [alice, office], '8.8.8.8', undefined, { outcome: 'ip_denied' }],
    ['inside the allow list, then the credentials', [office, alice], '10.1.1.1', undefined, { outcome: 'unauthorized', challenges: ['Basic realm="staff", charset="UTF-8"'] }],
    ['every rule must pass', [alice, bearer], '1.2.3.4', basic('alice', 'wonder'), { outcome: 'unauthorized', challenges: ['Bearer realm="HARP"'] }],
  ])('%s', (_name, policies, address, authorization, expected) => {
    expect(decide(policies, address, authorization)).toEqual(expected);
  });

  it('takes an agent\'s plain credentials, hashed on receipt', () => {
    const policy = plainPolicy({ basicAuth: [{ user: 'dev', password: 'p@ss' }], bearerTokens: ['tok'] }) as AccessPolicy;
    expect(policy.basicAuth[0]!.password.hash).not.toEqual(Buffer.from('p@ss'));
    expect(decide([policy], '1.2.3.4', basic('dev', 'p@ss'))).toEqual({ outcome: 'allow', consumed: true });
    expect(decide([policy], '1.2.3.4', 'Bearer tok')).toEqual({ outcome: 'allow', consumed: true });
    expect(decide([policy], '1.2.3.4', basic('dev', 'nope'))).toMatchObject({ outcome: 'unauthorized' });
  });

  it.each([
    ['a user with a colon', { basicAuth: [{ user: 'a:b', password: 'x' }] }],
    ['an empty user', { basicAuth: [{ user: '', password: 'x' }] }],
    ['a bad token', { bearerTokens: ['a b'] }],
    ['a bad CIDR', { allowIps: ['10.0.0.0/40'] }],
    ['a host name for an address', { denyIps: ['example.com'] }],
  ])('refuses an agent\'s rule with %s', (_name, access) => {
    expect(plainPolicy(access)).toHaveProperty('invalid');
  });
});
