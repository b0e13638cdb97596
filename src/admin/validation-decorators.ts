import type * as ClassTransformer from 'class-transformer';
import type * as ClassValidator from 'class-validator';
import { DeferredDecorators } from './deferred-decorators.js';

/**
 * class-validator's and class-transformer's decorators as the admin API's DTOs use them,
 * deferred until the admin validation pipe first runs (`admin-validation.pipe.ts`), so that a
 * proxy whose admin API takes no input never loads them. Import them from here, never from the
 * packages: one import of the packages' own would load them at start-up again.
 */
export const validatorDecorators = new DeferredDecorators<typeof ClassValidator>();
export const transformerDecorators = new DeferredDecorators<typeof ClassTransformer>();

export const IsIn = validatorDecorators.factory('IsIn');
export const IsInt = validatorDecorators.factory('IsInt');
export const IsOptional = validatorDecorators.factory('IsOptional');
export const IsString = validatorDecorators.factory('IsString');
export const Matches = validatorDecorators.factory('Matches');
export const Max = validatorDecorators.factory('Max');
export const Min = validatorDecorators.factory('Min');
export const ValidateBy = validatorDecorators.factory('ValidateBy');

export const Type = transformerDecorators.factory('Type');
