import 'reflect-metadata';
import * as swagger from '@nestjs/swagger';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import { DeferredDecorators } from './deferred-decorators.js';

// A deferred decorator must leave exactly the metadata the library's own would: the OpenAPI
// document and the admin API's validation errors are built from it.

/** Every metadata entry on a class, its prototype and their members, by key, as plain data. */
function metadataOf(cls: new () => object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const read = (where: string, target: object, member?: string | symbol): void => {
    for (const key of Reflect.getOwnMetadataKeys(target, member as string)) {
      if (String(key).startsWith('design:')) continue;
      out[`${where} ${String(key)}`] = Reflect.getOwnMetadata(key, target, member as string);
    }
  };
  read('class', cls);
  for (const member of Object.getOwnPropertyNames(cls.prototype)) {
    read(`prototype.${member}`, cls.prototype, member);
    const value = (cls.prototype as Record<string, unknown>)[member];
    if (typeof value === 'function' && member !== 'constructor') read(`method ${member}`, value);
  }
  for (const member of ['id', 'note', 'limit']) read(`property ${member}`, cls.prototype, member);
  return JSON.parse(JSON.stringify(out, (_k, v: unknown) => (typeof v === 'function' ? `fn ${(v as { name: string }).name}` : v)));
}

/** The same two classes, decorated with whichever set of decorator factories it is given. */
function declare(api: typeof swagger, validator: typeof classValidator, transformer: typeof classTransformer) {
  class Item {
    @api.ApiProperty({ example: 'a1', description: 'The id.' })
    @validator.Matches(/^[a-z0-9]+$/, { message: 'id must be letters and digits' })
    id!: string;

    @api.ApiPropertyOptional({ enum: ['x', 'y'] })
    @validator.IsOptional()
    @validator.IsIn(['x', 'y'])
    note?: 'x' | 'y';

    @api.ApiPropertyOptional({ minimum: 1 })
    @validator.IsOptional()
    @transformer.Type(() => Number)
    @validator.IsInt()
    @validator.Min(1)
    limit?: number;
  }

  @api.ApiTags('items')
  @api.ApiBearerAuth('token')
  class ItemsController {
    @api.ApiOperation({ summary: 'One item', operationId: 'getItem' })
    @api.ApiOkResponse({ type: Item })
    @api.ApiNotFoundResponse({ description: 'No such item.' })
    get(): Item {
      return new Item();
    }
  }
  return { Item, ItemsController };
}

describe('DeferredDecorators', () => {
  it('applies nothing before the library is loaded, then everything in the order decorated', () => {
    const calls: string[] = [];
    const library = { Mark: (label: string): PropertyDecorator => () => void calls.push(label) };
    const deferred = new DeferredDecorators<typeof library>();
    const Mark = deferred.factory('Mark');

    class Marked {
      @Mark('second')
      @Mark('first')
      a!: string;

      @Mark('third')
      b!: string;
    }
    expect(new Marked()).toBeInstanceOf(Marked);
    expect(calls).toEqual([]);
    expect(deferred.isLoaded).toBe(false);

    deferred.loaded(library);
    deferred.loaded(library);
    expect(calls).toEqual(['first', 'second', 'third']);

    class Late {
      @Mark('at once')
      c!: string;
    }
    expect(new Late()).toBeInstanceOf(Late);
    expect(calls).toEqual(['first', 'second', 'third', 'at once']);
  });

  it('leaves the metadata of @nestjs/swagger, class-validator and class-transformer as their own decorators do', () => {
    const direct = declare(swagger, classValidator, classTransformer);

    const api = new DeferredDecorators<typeof swagger>();
    const validator = new DeferredDecorators<typeof classValidator>();
    const transformer = new DeferredDecorators<typeof classTransformer>();
    const deferredApi = { ApiProperty: api.factory('ApiProperty'), ApiPropertyOptional: api.factory('ApiPropertyOptional'), ApiTags: api.factory('ApiTags'), ApiBearerAuth: api.factory('ApiBearerAuth'), ApiOperation: api.factory('ApiOperation'), ApiOkResponse: api.factory('ApiOkResponse'), ApiNotFoundResponse: api.factory('ApiNotFoundResponse') };
    const deferredValidator = { Matches: validator.factory('Matches'), IsOptional: validator.factory('IsOptional'), IsIn: validator.factory('IsIn'), IsInt: validator.factory('IsInt'), Min: validator.factory('Min') };
    const later = declare(
      deferredApi as unknown as typeof swagger,
      deferredValidator as unknown as typeof classValidator,
      { Type: transformer.factory('Type') } as unknown as typeof classTransformer,
    );
    expect(metadataOf(later.Item)).toEqual({});
    expect(metadataOf(later.ItemsController)).toEqual({});

    api.loaded(swagger);
    validator.loaded(classValidator);
    transformer.loaded(classTransformer);

    const swaggerMetadata = metadataOf(direct.ItemsController);
    expect(Object.keys(swaggerMetadata).length).toBeGreaterThan(3);
    expect(metadataOf(later.ItemsController)).toEqual(swaggerMetadata);
    expect(metadataOf(later.Item)).toEqual(metadataOf(direct.Item));
  });

  it('validates and transforms as the libraries’ own decorators do', async () => {
    const direct = declare(swagger, classValidator, classTransformer);
    const validator = new DeferredDecorators<typeof classValidator>();
    const transformer = new DeferredDecorators<typeof classTransformer>();
    const later = declare(
      swagger,
      { Matches: validator.factory('Matches'), IsOptional: validator.factory('IsOptional'), IsIn: validator.factory('IsIn'), IsInt: validator.factory('IsInt'), Min: validator.factory('Min') } as unknown as typeof classValidator,
      { Type: transformer.factory('Type') } as unknown as typeof classTransformer,
    );
    validator.loaded(classValidator);
    transformer.loaded(classTransformer);

    const errorsOf = async (cls: new () => object, plain: object) => {
      const errors = await classValidator.validate(classTransformer.plainToInstance(cls, plain));
      return errors.map((e) => [e.property, e.constraints]);
    };
    for (const plain of [{ id: 'A-1', note: 'z', limit: '0' }, { id: 'ok', limit: '3' }, {}]) {
      expect(await errorsOf(later.Item, plain)).toEqual(await errorsOf(direct.Item, plain));
    }
    expect(await errorsOf(later.Item, { id: 'A-1', note: 'z', limit: '0' })).toHaveLength(3);
    expect(classTransformer.plainToInstance(later.Item, { limit: '3' }).limit).toBe(3);
  });
});
