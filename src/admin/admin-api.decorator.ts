import { applyDecorators, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTags, ApiUnauthorizedResponse } from './openapi-decorators.js';
import { AdminAuthGuard } from './admin-auth.guard.js';
import { adminValidationPipe } from './admin-validation.pipe.js';
import { ErrorDto } from './error.dto.js';

/** Name of the bearer security scheme in the OpenAPI document. */
export const ADMIN_BEARER_SCHEME = 'admin-token';

/**
 * Marks a controller as part of the admin API: the admin access rule, input validation, and
 * the matching OpenAPI description (tag, bearer scheme, 401/403 answers).
 */
export function AdminApi(tag: string): ClassDecorator {
  return applyDecorators(
    UseGuards(AdminAuthGuard),
    UsePipes(adminValidationPipe),
    ApiTags(tag),
    ApiBearerAuth(ADMIN_BEARER_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorDto, description: 'An admin token is configured and the request lacks it.' }),
    ApiForbiddenResponse({ type: ErrorDto, description: 'No admin token is configured; the client is not on loopback.' }),
  );
}
