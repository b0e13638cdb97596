import { ValidationPipe, type ArgumentMetadata, type PipeTransform, type ValidationPipeOptions } from '@nestjs/common';
import { transformerDecorators, validatorDecorators } from './validation-decorators.js';

/**
 * The validation of every admin endpoint's input: DTOs checked with class-validator, unknown
 * fields refused, and a 400 whose messages name the offending field ("url must be …").
 */
const ADMIN_VALIDATION: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  // Messages name fields, never echo values: a wrong token pasted into a query stays out of it.
  validationError: { target: false, value: false },
};

/**
 * Nest's `ValidationPipe` with {@link ADMIN_VALIDATION}, made on the first admin input: a
 * `ValidationPipe` loads class-validator and class-transformer when it is constructed, ~4 MiB
 * of heap that a proxy whose admin API is never called does not need. The DTOs' decorators
 * (`validation-decorators.ts`) are applied then, before the first value is checked.
 */
export class AdminValidationPipe implements PipeTransform {
  private pipe?: Promise<ValidationPipe>;

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    this.pipe ??= loadValidationPipe();
    return (await this.pipe).transform(value, metadata);
  }
}

async function loadValidationPipe(): Promise<ValidationPipe> {
  const [validator, transformer] = await Promise.all([import('class-validator'), import('class-transformer')]);
  validatorDecorators.loaded(validator);
  transformerDecorators.loaded(transformer);
  return new ValidationPipe({ ...ADMIN_VALIDATION, validatorPackage: validator, transformerPackage: transformer });
}

/**
 * Applied per controller (see {@link AdminApi}) rather than as a global `APP_PIPE`: HARP's
 * modules are imported into other people's applications, and a global pipe would impose these
 * rules (refusing unknown fields) on their controllers too.
 */
export const adminValidationPipe = new AdminValidationPipe();
