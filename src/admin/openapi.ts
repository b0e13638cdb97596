import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { HarpConfig } from '../config/index.js';
import { ADMIN_BEARER_SCHEME } from './admin-api.decorator.js';
import { adminAccessMiddleware } from './admin-docs.middleware.js';
import { RESERVED_PREFIX } from '../http/reserved-prefix.js';

/** Where the Swagger UI is served. */
export const OPENAPI_UI_PATH = '/_harp/api/docs';
/** Where the OpenAPI document is served, as JSON. */
export const OPENAPI_JSON_PATH = '/_harp/api/openapi.json';

/** The admin API's prefix. */
const ADMIN_PREFIX = '/_harp/api';

/** Everything HARP serves itself is under this prefix; the document describes nothing else. */

/**
 * Serves the admin API's OpenAPI document at `/_harp/api/openapi.json` and the Swagger UI at
 * `/_harp/api/docs`, both behind the admin access rule. `startHarpServer` calls it; an
 * application that imports `HarpModule` calls it itself, **before** `app.init()` / `listen()`:
 * the routes it adds go straight to Express and must come before the proxy's catch-all.
 *
 * The document is built on first request, from the application's controllers under `/_harp/`
 * only (not the host application's own routes, nor the catch-all).
 */
export function setupHarpOpenApi(app: INestApplication): void {
  const config = app.get(HarpConfig);
  app.use(adminAccessMiddleware(config, isAdminPath));
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => harpOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'HARP admin API',
    swaggerOptions: { persistAuthorization: false },
  });
}

/** The OpenAPI document of HARP's own endpoints in `app`. */
export function harpOpenApiDocument(app: INestApplication): OpenAPIObject {
  const info = new DocumentBuilder()
    .setTitle('HARP admin API')
    .setDescription(
      'Inspect and steer a HARP proxy: connected agents, the route table, the shared HTTP cache. ' +
        'With an admin token configured every call needs `Authorization: Bearer <token>`; without ' +
        'one the API answers only to loopback clients. `/_harp/healthz` and `/_harp/readyz` are open.',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'The configured admin token (`HARP_ADMIN_TOKEN`).' },
      ADMIN_BEARER_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, info);
  const own = Object.entries(document.paths).filter(([path]) => path.startsWith(RESERVED_PREFIX));
  document.paths = Object.fromEntries(own);
  return document;
}

/**
 * The whole of `/_harp/api`, not just the two documentation paths: Express matches routes
 * case-insensitively and with or without a trailing slash, so an exact test could be walked
 * around (`/_harp/API/OpenAPI.json`). The controllers there are guarded as well; twice is fine.
 */
function isAdminPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower === ADMIN_PREFIX || lower.startsWith(`${ADMIN_PREFIX}/`);
}
