import { signReconnectToken, verifyReconnectToken } from './reconnect-token.js';

const SECRET = 'secret-0123456789abcdef';
const NOW = 1_800_000_000_000;

describe('reconnect tokens', () => {
  const token = signReconnectToken(SECRET, 'brave-otter-7f3kq2', 'team-a', NOW + 60_000);

  it('reads v1.<name>.<expiry>.<mac> and proves the name to the key it was issued to', () => {
    expect(token).toMatch(/^v1\.brave-otter-7f3kq2\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyReconnectToken(SECRET, token, 'team-a', NOW)).toEqual({ ok: true, name: 'brave-otter-7f3kq2', expiresAt: NOW + 60_000 });
  });

  it('is worth nothing to another key, under another secret, or once expired', () => {
    expect(verifyReconnectToken(SECRET, token, 'team-b', NOW).ok).toBe(false);
    expect(verifyReconnectToken('another-secret-0123456', token, 'team-a', NOW).ok).toBe(false);
    expect(verifyReconnectToken(SECRET, token, 'team-a', NOW + 60_000)).toEqual({ ok: false, reason: 'the token has expired' });
  });

  it('refuses a token whose name or expiry was changed', () => {
    const [v, , expiry, sig] = token.split('.');
    expect(verifyReconnectToken(SECRET, [v, 'brave-otter-7f3kq3', expiry, sig].join('.'), 'team-a', NOW).ok).toBe(false);
    const later = (NOW + 3_600_000).toString(36);
    expect(verifyReconnectToken(SECRET, [v, 'brave-otter-7f3kq2', later, sig].join('.'), 'team-a', NOW).ok).toBe(false);
  });

  it.each(['', 'v1', 'v2.a.b.c', 'v1.a.b', 'v1.a.!!.c', 'v1.a.b.c.d'])('refuses %j as no token', (text) => {
    expect(verifyReconnectToken(SECRET, text, 'team-a', NOW).ok).toBe(false);
  });
});
