// The package's admin surface. Importing it loads @nestjs/swagger, class-validator and
// class-transformer, as embedding applications expect; the standalone proxy does not import it.
import './libraries-loaded.js';

export { AdminModule } from './admin.module.js';
export { AdminAuthGuard } from './admin-auth.guard.js';
export { decideAdminAccess, type AdminAccess, type AdminAccessInput } from './admin-access.js';
export { isLoopbackAddress } from './loopback.js';
export { OPENAPI_JSON_PATH, OPENAPI_UI_PATH, setupHarpOpenApi } from './openapi.js';
export { harpOpenApiDocument } from './openapi-document.js';
