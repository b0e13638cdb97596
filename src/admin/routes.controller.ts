import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from './admin-api.decorator.js';
import { RouteDto } from './route.dto.js';
import { RoutesService } from './routes.service.js';

/** `/_harp/api/routes`: the live route table. */
@Controller('_harp/api/routes')
@AdminApi('routes')
export class RoutesController {
  constructor(private readonly routes: RoutesService) {}

  @Get()
  @ApiOperation({ summary: 'The route table, in precedence order', operationId: 'listRoutes' })
  @ApiOkResponse({ type: [RouteDto] })
  list(): RouteDto[] {
    return this.routes.list();
  }
}
