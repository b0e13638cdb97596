import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HarpConfig } from '../config/index.js';
import { decideAdminAccess } from './admin-access.js';

/**
 * Guards admin endpoints with the admin access rule ({@link decideAdminAccess}): a bearer token
 * when `adminToken` is configured (401 + `WWW-Authenticate: Bearer` otherwise), loopback
 * clients only when it is not (403 to others).
 *
 * Usable from any module as `@UseGuards(AdminAuthGuard)`: it depends only on {@link HarpConfig},
 * which `HarpConfigModule` provides globally.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(private readonly config: HarpConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<IncomingMessage>();
    const access = decideAdminAccess({
      adminToken: this.config.adminToken,
      authorization: request.headers.authorization,
      remoteAddress: request.socket?.remoteAddress,
    });
    if (access.allowed) return true;
    if (access.status === 401) {
      // RFC 6750 §3: a 401 names the scheme the client should use.
      http.getResponse<ServerResponse>().setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(access.message);
    }
    throw new ForbiddenException(access.message);
  }
}
