import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { HarpConfig } from '../config/index.js';
import { AdminAuthGuard } from './admin-auth.guard.js';

interface FakeExchange {
  readonly context: ExecutionContext;
  readonly responseHeaders: Map<string, string>;
}

function exchange(remoteAddress: string | undefined, headers: Record<string, string> = {}): FakeExchange {
  const responseHeaders = new Map<string, string>();
  const request = { headers, socket: { remoteAddress } };
  const response = {
    setHeader: (name: string, value: string) => responseHeaders.set(name.toLowerCase(), value),
  };
  const context = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { context, responseHeaders };
}

function guard(adminToken?: string): AdminAuthGuard {
  return new AdminAuthGuard({ adminToken } as HarpConfig);
}

describe('AdminAuthGuard without an admin token', () => {
  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1'])('allows the loopback client %s', (address) => {
    expect(guard().canActivate(exchange(address).context)).toBe(true);
  });

  it.each(['10.1.2.3', '::ffff:192.168.1.5', '2001:db8::1', undefined])(
    'answers 403 to %s',
    (address) => {
      expect(() => guard().canActivate(exchange(address).context)).toThrow(ForbiddenException);
    },
  );

  it('judges the socket address, not X-Forwarded-For or Forwarded', () => {
    const spoofed = exchange('203.0.113.7', {
      'x-forwarded-for': '127.0.0.1',
      forwarded: 'for=127.0.0.1',
      'x-real-ip': '127.0.0.1',
    });
    expect(() => guard().canActivate(spoofed.context)).toThrow(ForbiddenException);
  });

  it('treats an empty token as no token (never open)', () => {
    expect(() => guard('').canActivate(exchange('10.0.0.1').context)).toThrow(ForbiddenException);
  });
});

describe('AdminAuthGuard with an admin token', () => {
  const token = 's3cret-admin-token';

  it('allows the right bearer token from any address', () => {
    const ok = exchange('203.0.113.7', { authorization: `Bearer ${token}` });
    expect(guard(token).canActivate(ok.context)).toBe(true);
  });

  it('accepts the scheme case-insensitively (RFC 9110 §11.1)', () => {
    const ok = exchange('203.0.113.7', { authorization: `bearer ${token}` });
    expect(guard(token).canActivate(ok.context)).toBe(true);
  });

  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['a prefix of the token', { authorization: `Bearer ${token.slice(0, -1)}` }],
    ['the token plus a suffix', { authorization: `Bearer ${token}x` }],
    ['another scheme', { authorization: `Basic ${token}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('answers 401 with WWW-Authenticate: Bearer for %s', (_label, headers) => {
    const refused = exchange('203.0.113.7', headers);
    expect(() => guard(token).canActivate(refused.context)).toThrow(UnauthorizedException);
    expect(refused.responseHeaders.get('www-authenticate')).toBe('Bearer');
  });

  it('requires the token from loopback clients too', () => {
    const local = exchange('127.0.0.1');
    expect(() => guard(token).canActivate(local.context)).toThrow(UnauthorizedException);
  });
});
