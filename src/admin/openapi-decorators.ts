import type * as Swagger from '@nestjs/swagger';
import { DeferredDecorators } from './deferred-decorators.js';

/**
 * `@nestjs/swagger`'s decorators as HARP's DTOs and controllers use them, deferred until the
 * OpenAPI document is first built (`openapi-document.ts`), so that a proxy whose document is
 * never asked for never loads the package. Import them from here, never from the package: one
 * import of the package's own would load it at start-up again.
 */
export const openApiDecorators = new DeferredDecorators<typeof Swagger>();

export const ApiAcceptedResponse = openApiDecorators.factory('ApiAcceptedResponse');
export const ApiBadGatewayResponse = openApiDecorators.factory('ApiBadGatewayResponse');
export const ApiBadRequestResponse = openApiDecorators.factory('ApiBadRequestResponse');
export const ApiBearerAuth = openApiDecorators.factory('ApiBearerAuth');
export const ApiConflictResponse = openApiDecorators.factory('ApiConflictResponse');
export const ApiCreatedResponse = openApiDecorators.factory('ApiCreatedResponse');
export const ApiExcludeController = openApiDecorators.factory('ApiExcludeController');
export const ApiForbiddenResponse = openApiDecorators.factory('ApiForbiddenResponse');
export const ApiGatewayTimeoutResponse = openApiDecorators.factory('ApiGatewayTimeoutResponse');
export const ApiNoContentResponse = openApiDecorators.factory('ApiNoContentResponse');
export const ApiNotFoundResponse = openApiDecorators.factory('ApiNotFoundResponse');
export const ApiOkResponse = openApiDecorators.factory('ApiOkResponse');
export const ApiOperation = openApiDecorators.factory('ApiOperation');
export const ApiProduces = openApiDecorators.factory('ApiProduces');
export const ApiProperty = openApiDecorators.factory('ApiProperty');
export const ApiPropertyOptional = openApiDecorators.factory('ApiPropertyOptional');
export const ApiQuery = openApiDecorators.factory('ApiQuery');
export const ApiServiceUnavailableResponse = openApiDecorators.factory('ApiServiceUnavailableResponse');
export const ApiTags = openApiDecorators.factory('ApiTags');
export const ApiUnauthorizedResponse = openApiDecorators.factory('ApiUnauthorizedResponse');
