export { AdminModule } from './admin.module.js';
export { AdminAuthGuard } from './admin-auth.guard.js';
export { decideAdminAccess, type AdminAccess, type AdminAccessInput } from './admin-access.js';
export { isLoopbackAddress } from './loopback.js';
export { OPENAPI_JSON_PATH, OPENAPI_UI_PATH, setupHarpOpenApi } from './openapi.js';
// Loads @nestjs/swagger: the package's users get the document's builder as before; the standalone
// proxy does not import this index.
export { harpOpenApiDocument } from './openapi-document.js';
