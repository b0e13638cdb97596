import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HarpConfig } from '../config/index.js';
import { decideAdminAccess } from './admin-access.js';

type Next = (error?: unknown) => void;

/**
 * The admin access rule for routes that are not Nest controllers (the OpenAPI document and the
 * Swagger UI, which `SwaggerModule` serves straight from Express), as an Express middleware for
 * the paths `isProtected` accepts. Answers like {@link AdminAuthGuard}.
 */
export function adminAccessMiddleware(config: HarpConfig, isProtected: (path: string) => boolean) {
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    if (!isProtected(pathOf(req.url))) return next();
    const access = decideAdminAccess({
      adminToken: config.adminToken,
      authorization: req.headers.authorization,
      remoteAddress: req.socket.remoteAddress,
    });
    if (access.allowed) return next();
    const error = access.status === 401 ? 'Unauthorized' : 'Forbidden';
    const body = JSON.stringify({ statusCode: access.status, message: access.message, error });
    if (access.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.writeHead(access.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    res.end(body);
  };
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}
