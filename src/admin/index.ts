export { AdminModule } from './admin.module.js';
export { AdminAuthGuard } from './admin-auth.guard.js';
export { decideAdminAccess, type AdminAccess, type AdminAccessInput } from './admin-access.js';
export { isLoopbackAddress } from './loopback.js';
export { harpOpenApiDocument, OPENAPI_JSON_PATH, OPENAPI_UI_PATH, setupHarpOpenApi } from './openapi.js';
