import { ForwardingMemo } from './forwarding-memo.js';
import { forwardingFields, TrustedProxies, type ForwardingInput } from './forwarding.js';

const trusted = new TrustedProxies(['10.0.0.0/8']);
const base: ForwardingInput = { peerAddress: '203.0.113.9', protocol: 'http', host: 'app.example.com' };

describe('ForwardingMemo', () => {
  it('gives what forwardingFields gives, and the same list again for the same input on a connection', () => {
    const memo = new ForwardingMemo(trusted);
    const connection = {};
    const first = memo.fieldsFor(connection, base);
    expect(first).toEqual(forwardingFields(base, trusted).fields);
    expect(memo.fieldsFor(connection, { ...base })).toBe(first);
  });

  it.each<[string, Partial<ForwardingInput>]>([
    ['peer', { peerAddress: '198.51.100.1' }],
    ['scheme', { protocol: 'https' }],
    ['Host', { host: 'other.example.com' }],
    ['X-Forwarded-For', { peerAddress: '10.0.0.1', forwardedFor: '1.1.1.1' }],
    ['X-Forwarded-Proto', { peerAddress: '10.0.0.1', forwardedProto: 'https' }],
    ['X-Forwarded-Host', { peerAddress: '10.0.0.1', forwardedHost: 'a.example' }],
    ['Forwarded', { peerAddress: '10.0.0.1', forwarded: 'for=1.1.1.1' }],
  ])('works the fields out again when the %s changes', (_what, change) => {
    const memo = new ForwardingMemo(trusted);
    const connection = {};
    memo.fieldsFor(connection, base);
    const changed = { ...base, ...change };
    expect(memo.fieldsFor(connection, changed)).toEqual(forwardingFields(changed, trusted).fields);
  });

  it('keeps connections apart', () => {
    const memo = new ForwardingMemo(trusted);
    const a = memo.fieldsFor({}, base);
    const other = { ...base, peerAddress: '198.51.100.1' };
    expect(memo.fieldsFor({}, other)).toEqual(forwardingFields(other, trusted).fields);
    expect(a).toEqual(forwardingFields(base, trusted).fields);
  });
});
