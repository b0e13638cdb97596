import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import * as swagger from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { RESERVED_PREFIX } from '../http/reserved-prefix.js';
import { ADMIN_BEARER_SCHEME } from './admin-api.decorator.js';
import { openApiDecorators } from './openapi-decorators.js';
import { OPENAPI_JSON_PATH, OPENAPI_UI_PATH } from './openapi-paths.js';

const { DocumentBuilder, SwaggerModule } = swagger;

/**
 * The OpenAPI document of HARP's own endpoints in `app`: its controllers under `/_harp/` only
 * (not the host application's own routes, nor the catch-all). Importing this file loads
 * `@nestjs/swagger`; the standalone proxy does so only when the document is first asked for.
 */
export function harpOpenApiDocument(app: INestApplication): OpenAPIObject {
  openApiDecorators.loaded(swagger);
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
 * Adds `SwaggerModule`'s routes (the UI, its assets and the JSON document) to `docs`, an Express
 * application mounted in `app` before its controllers. `SwaggerModule.setup` is given `docs` in
 * place of the application: it only adds routes and static files through the HTTP adapter, and
 * routes added to `app` itself once it runs would come after the proxy's catch-all.
 */
export function serveHarpOpenApi(app: INestApplication, docs: ExpressAdapter): void {
  const host = {
    getHttpAdapter: () => docs,
    useStaticAssets: (path: string, options: { prefix: string }) => docs.useStaticAssets(path, options),
  };
  SwaggerModule.setup(OPENAPI_UI_PATH, host as unknown as INestApplication, () => harpOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'HARP admin API',
    swaggerOptions: { persistAuthorization: false },
  });
}
