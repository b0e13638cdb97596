import { Controller, Get, Query } from '@nestjs/common';

@Controller()
export class HelloController {
  @Get()
  hello(@Query('name') name = 'world'): { hello: string } {
    return { hello: name };
  }
}
