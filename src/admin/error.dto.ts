import { ApiProperty } from './openapi-decorators.js';

/** The body of every error answer of the admin API (Nest's standard exception shape). */
export class ErrorDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({
    description: 'What went wrong; for a validation failure, one message per field, each naming it.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['url must be an absolute http(s) URL'],
  })
  message!: string | string[];

  @ApiProperty({ example: 'Bad Request' })
  error!: string;
}
