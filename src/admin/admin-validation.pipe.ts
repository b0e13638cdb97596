import { ValidationPipe } from '@nestjs/common';

/**
 * The validation of every admin endpoint's input: DTOs checked with class-validator, unknown
 * fields refused, and a 400 whose messages name the offending field ("url must be …").
 *
 * Applied per controller (see {@link AdminApi}) rather than as a global `APP_PIPE`: HARP's
 * modules are imported into other people's applications, and a global pipe would impose these
 * rules (refusing unknown fields) on their controllers too.
 */
export const adminValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  // Messages name fields, never echo values: a wrong token pasted into a query stays out of it.
  validationError: { target: false, value: false },
});
