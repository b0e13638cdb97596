import { ForbiddenException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { HarpConfig } from '../config/index.js';
import { DashboardAccessGuard } from './dashboard-access.guard.js';

function context(remoteAddress: string | undefined, headers: Record<string, string> = {}): ExecutionContext {
  const request = { headers, socket: { remoteAddress } };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

function guard(adminToken?: string): DashboardAccessGuard {
  return new DashboardAccessGuard({ adminToken } as HarpConfig);
}

describe('DashboardAccessGuard', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('serves loopback %s without a token', (address) => {
    expect(guard().canActivate(context(address))).toBe(true);
  });

  it.each(['10.1.2.3', '192.0.2.2', '::ffff:192.168.1.5', '2001:db8::1', undefined])(
    'answers 403 to %s without a token',
    (address) => {
      expect(() => guard().canActivate(context(address))).toThrow(ForbiddenException);
    },
  );

  it('judges the socket address, not X-Forwarded-For', () => {
    const spoofed = context('203.0.113.7', { 'x-forwarded-for': '127.0.0.1', forwarded: 'for=127.0.0.1' });
    expect(() => guard().canActivate(spoofed)).toThrow(ForbiddenException);
  });

  it('treats an empty token as no token', () => {
    expect(() => guard('').canActivate(context('203.0.113.7'))).toThrow(ForbiddenException);
  });

  // The files hold no data, and a navigation cannot carry a bearer header: the page asks for
  // the token and sends it on each API call, where the admin rule is applied in full.
  it.each(['203.0.113.7', '127.0.0.1', '2001:db8::1'])(
    'serves %s without credentials when a token is configured',
    (address) => {
      expect(guard('s3cret').canActivate(context(address))).toBe(true);
    },
  );
});
