export { HarpError, isHarpError } from './harp-error.js';
export { ERROR_CATALOGUE, retryAfterOf, statusOf, type HttpErrorCode } from './error-catalogue.js';
