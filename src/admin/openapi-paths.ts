/** Where the Swagger UI is served. */
export const OPENAPI_UI_PATH = '/_harp/api/docs';
/** Where the OpenAPI document is served, as JSON. */
export const OPENAPI_JSON_PATH = '/_harp/api/openapi.json';
