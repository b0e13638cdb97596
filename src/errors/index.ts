export { HarpError, isHarpError } from './harp-error.js';
export { ERROR_CATALOGUE, statusOf, type HttpErrorCode } from './error-catalogue.js';
