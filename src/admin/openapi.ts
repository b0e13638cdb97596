import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HarpConfig } from '../config/index.js';
import { adminAccessMiddleware } from './admin-docs.middleware.js';
import { OPENAPI_JSON_PATH, OPENAPI_UI_PATH } from './openapi-paths.js';

export { OPENAPI_JSON_PATH, OPENAPI_UI_PATH } from './openapi-paths.js';

type Next = (error?: unknown) => void;

/** The admin API's prefix. */
const ADMIN_PREFIX = '/_harp/api';

/**
 * Serves the admin API's OpenAPI document at `/_harp/api/openapi.json` and the Swagger UI at
 * `/_harp/api/docs`, both behind the admin access rule. `startHarpServer` calls it; an
 * application that imports `HarpModule` calls it itself, **before** `app.init()` / `listen()`:
 * the routes it adds go straight to Express and must come before the proxy's catch-all.
 *
 * `@nestjs/swagger` is loaded, and the document built, on the first request for either
 * (`openapi-document.ts`): most proxies never serve them, and the package costs ~4 MiB of heap.
 */
export function setupHarpOpenApi(app: INestApplication): void {
  const config = app.get(HarpConfig);
  app.use(adminAccessMiddleware(config, isAdminPath));
  // Mounted now, filled on first use: Express keeps a mounted application's place in the
  // order of routes however late its own routes are added.
  const docs = new ExpressAdapter();
  app.use(whenDocsAsked(() => import('./openapi-document.js').then((loaded) => loaded.serveHarpOpenApi(app, docs))));
  app.use(docs.getInstance());
}

/**
 * A middleware that runs `load` once, on the first request for the UI or the document, and
 * lets that request (and any arriving meanwhile) go on only once it is done.
 */
function whenDocsAsked(load: () => Promise<void>) {
  let loading: Promise<void> | undefined;
  return (req: IncomingMessage, _res: ServerResponse, next: Next): void => {
    if (loading === undefined && !isDocsPath(pathOf(req.url))) return next();
    loading ??= load();
    loading.then(() => next(), next);
  };
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

/**
 * Everything the Swagger routes could match, in Express's case-insensitive way: the UI path and
 * what is under it, the JSON document. Wider is harmless (the package is loaded, the request
 * goes on to whatever route it matches); narrower would leave a documentation URL unanswered.
 */
function isDocsPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower.startsWith(OPENAPI_UI_PATH) || lower.startsWith(OPENAPI_JSON_PATH);
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}
