import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { HarpConfig } from '../config/index.js';
import { decideDashboardAccess } from './dashboard-access.js';

/** Guards the dashboard's static files with {@link decideDashboardAccess} (403 when refused). */
@Injectable()
export class DashboardAccessGuard implements CanActivate {
  constructor(private readonly config: HarpConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    const access = decideDashboardAccess({
      adminToken: this.config.adminToken,
      remoteAddress: request.socket?.remoteAddress,
    });
    if (access.allowed) return true;
    throw new ForbiddenException(access.message);
  }
}
