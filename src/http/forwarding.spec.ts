import { clientAddressOf, FORWARDING_FIELDS, forwardingFields, plainAddress, TrustedProxies } from './forwarding.js';
import type { ForwardingInput } from './forwarding.js';

const none = new TrustedProxies([]);
const fieldsOf = (input: ForwardingInput, trusted = none) => Object.fromEntries(forwardingFields(input, trusted).fields);

describe('TrustedProxies', () => {
  const trusted = new TrustedProxies(['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8']);

  it.each([
    ['10.1.2.3', true],
    ['10.255.255.255', true],
    ['11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['::1', true],
    ['fd12::1', true],
    ['fe80::1', false],
  ])('%s → %s', (address, expected) => {
    expect(trusted.has(address)).toBe(expected);
  });

  it.each(['', 'unknown', 'not-an-ip', '1.2.3.4:80', '[::1]', '999.1.1.1'])(
    'answers false (and does not throw) for the non-address %j',
    (address) => {
      expect(trusted.has(address)).toBe(false);
    },
  );

  it('trusts nobody when empty', () => {
    expect(none.has('127.0.0.1')).toBe(false);
  });
});

describe('plainAddress', () => {
  it.each([
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['10.1.2.3', '10.1.2.3'],
    ['::1', '::1'],
    ['::ffff:abcd', '::ffff:abcd'],
    [undefined, 'unknown'],
    ['', 'unknown'],
  ])('%j → %j', (input, expected) => {
    expect(plainAddress(input)).toBe(expected);
  });
});

describe('forwardingFields from an untrusted peer', () => {
  const spoofed: ForwardingInput = {
    peerAddress: '::ffff:203.0.113.9',
    protocol: 'http',
    host: 'app.example.com',
    forwardedFor: '1.1.1.1',
    forwardedProto: 'https',
    forwardedHost: 'bank.example.com',
    forwarded: 'for=1.1.1.1;proto=https',
  };

  it('ignores every client-supplied value and states what the proxy saw', () => {
    const { fields, clientAddress } = forwardingFields(spoofed, none);
    expect(fields).toEqual([
      ['X-Forwarded-For', '203.0.113.9'],
      ['X-Forwarded-Proto', 'http'],
      ['X-Forwarded-Host', 'app.example.com'],
      ['Forwarded', 'for=203.0.113.9;host=app.example.com;proto=http'],
      ['X-Real-IP', '203.0.113.9'],
    ]);
    expect(clientAddress).toBe('203.0.113.9');
  });

  it('brackets and quotes an IPv6 peer in Forwarded (RFC 7239 §6)', () => {
    const f = fieldsOf({ peerAddress: '2001:db8::1', protocol: 'https', host: 'a.example' });
    expect(f['Forwarded']).toBe('for="[2001:db8::1]";host=a.example;proto=https');
    expect(f['X-Forwarded-For']).toBe('2001:db8::1');
    expect(f['X-Forwarded-Proto']).toBe('https');
  });

  it('quotes a host with a port, and escapes quotes and backslashes', () => {
    expect(fieldsOf({ peerAddress: '10.0.0.1', protocol: 'http', host: 'a.example:8080' })['Forwarded']).toBe(
      'for=10.0.0.1;host="a.example:8080";proto=http',
    );
    expect(fieldsOf({ peerAddress: '10.0.0.1', protocol: 'http', host: 'a"b\\c' })['Forwarded']).toBe(
      'for=10.0.0.1;host="a\\"b\\\\c";proto=http',
    );
  });

  it('leaves out the host when the request had none', () => {
    const f = fieldsOf({ peerAddress: '10.0.0.1', protocol: 'http', host: undefined });
    expect(f['X-Forwarded-Host']).toBeUndefined();
    expect(f['Forwarded']).toBe('for=10.0.0.1;proto=http');
  });

  it('says unknown for a peer whose address is gone (a socket closed early)', () => {
    const { fields, clientAddress } = forwardingFields({ peerAddress: undefined, protocol: 'http', host: 'h' }, none);
    expect(clientAddress).toBe('unknown');
    expect(Object.fromEntries(fields)['Forwarded']).toBe('for=unknown;host=h;proto=http');
  });
});

describe('forwardingFields from a trusted proxy', () => {
  const trusted = new TrustedProxies(['10.0.0.0/8']);
  const base: ForwardingInput = { peerAddress: '10.0.0.2', protocol: 'http', host: 'internal:8080' };

  it('extends the chain and takes the last untrusted hop as the client', () => {
    const { fields, clientAddress } = forwardingFields(
      {
        ...base,
        forwardedFor: '198.51.100.1, 203.0.113.5, 10.9.9.9',
        forwardedProto: 'https',
        forwardedHost: 'www.example.com',
        forwarded: 'for=198.51.100.1',
      },
      trusted,
    );
    expect(fields).toEqual([
      ['X-Forwarded-For', '198.51.100.1, 203.0.113.5, 10.9.9.9, 10.0.0.2'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'www.example.com'],
      ['Forwarded', 'for=198.51.100.1, for=10.0.0.2;host=www.example.com;proto=https'],
      ['X-Real-IP', '203.0.113.5'],
    ]);
    expect(clientAddress).toBe('203.0.113.5');
  });

  it('falls back to its own view when the trusted proxy sent nothing', () => {
    const { fields, clientAddress } = forwardingFields(base, trusted);
    expect(Object.fromEntries(fields)).toEqual({
      'X-Forwarded-For': '10.0.0.2',
      'X-Forwarded-Proto': 'http',
      'X-Forwarded-Host': 'internal:8080',
      Forwarded: 'for=10.0.0.2;host="internal:8080";proto=http',
      'X-Real-IP': '10.0.0.2',
    });
    expect(clientAddress).toBe('10.0.0.2');
  });

  it('takes the first hop when every hop is trusted', () => {
    expect(forwardingFields({ ...base, forwardedFor: '10.1.1.1, 10.2.2.2' }, trusted).clientAddress).toBe('10.1.1.1');
  });

  it('survives garbage in the chain without throwing, treating it as untrusted', () => {
    const { clientAddress } = forwardingFields({ ...base, forwardedFor: '1.2.3.4, not-an-ip, ,' }, trusted);
    expect(clientAddress).toBe('not-an-ip');
  });

  // Regression: a trusted proxy's X-Forwarded-Proto was copied whole into both fields, so a
  // list ("https, http") or junk produced a malformed Forwarded element and an unusable proto.
  it.each([
    ['https, http', 'https'],
    ['HTTPS', 'https'],
    [' http ', 'http'],
    ['gopher', 'http'],
    ['https;for=evil', 'http'],
  ])('takes X-Forwarded-Proto %j as %j', (supplied, expected) => {
    const f = fieldsOf({ ...base, forwardedProto: supplied }, trusted);
    expect(f['X-Forwarded-Proto']).toBe(expected);
    expect(f['Forwarded']).toBe(`for=10.0.0.2;host="internal:8080";proto=${expected}`);
  });

  // Regression: a list of hosts from a chain of proxies was passed on as one host.
  it('takes the first host of a trusted X-Forwarded-Host list', () => {
    const f = fieldsOf({ ...base, forwardedHost: 'www.example.com, internal' }, trusted);
    expect(f['X-Forwarded-Host']).toBe('www.example.com');
    expect(f['Forwarded']).toBe('for=10.0.0.2;host=www.example.com;proto=http');
  });
});

describe('clientAddressOf', () => {
  const trusted = new TrustedProxies(['10.0.0.0/8', '::1']);

  it.each<[string | undefined, string | undefined, string]>([
    ['203.0.113.5', '198.51.100.1', '203.0.113.5'], // an untrusted peer's chain is not believed
    ['10.0.0.2', undefined, '10.0.0.2'],
    ['10.0.0.2', '198.51.100.1', '198.51.100.1'],
    ['10.0.0.2', '198.51.100.1, 10.0.0.9', '198.51.100.1'], // trusted hops are skipped
    ['::ffff:10.0.0.2', '2001:db8::1', '2001:db8::1'],
    ['::1', '6.6.6.6, 198.51.100.1', '198.51.100.1'], // the client is the last untrusted hop
    [undefined, undefined, 'unknown'],
  ])('peer %s, X-Forwarded-For %s → %s', (peer, chain, expected) => {
    expect(clientAddressOf(peer, chain, trusted)).toBe(expected);
  });

  it('is the address forwardingFields reports as X-Real-IP', () => {
    const input = { peerAddress: '10.0.0.2', protocol: 'http' as const, host: 'h', forwardedFor: '6.6.6.6, 198.51.100.1' };
    expect(clientAddressOf(input.peerAddress, input.forwardedFor, trusted)).toBe(forwardingFields(input, trusted).clientAddress);
  });
});

describe('FORWARDING_FIELDS', () => {
  it('names every field a client could use to lie about its origin, lowercase', () => {
    expect([...FORWARDING_FIELDS].sort()).toEqual([
      'forwarded',
      'x-forwarded-for',
      'x-forwarded-host',
      'x-forwarded-port',
      'x-forwarded-prefix',
      'x-forwarded-proto',
      'x-real-ip',
    ]);
  });
});
