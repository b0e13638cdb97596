import * as swagger from '@nestjs/swagger';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import { openApiDecorators } from './openapi-decorators.js';
import { transformerDecorators, validatorDecorators } from './validation-decorators.js';

// For applications that embed HARP: the package's entry point imports this file, which loads the
// libraries the standalone proxy loads only on first use and applies the decorators of HARP's
// classes at once, as plain imports of the libraries would. An application's own OpenAPI
// document, or its global ValidationPipe (which runs before HARP's), then sees HARP's
// controllers and DTOs described and validated from the start, as before.
openApiDecorators.loaded(swagger);
validatorDecorators.loaded(classValidator);
transformerDecorators.loaded(classTransformer);
