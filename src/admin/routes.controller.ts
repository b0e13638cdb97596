import { Controller, Delete, Get, HttpCode, NotFoundException, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from './openapi-decorators.js';
import { AdminApi } from './admin-api.decorator.js';
import { ErrorDto } from './error.dto.js';
import { RouteDto, RouteSelectorQuery } from './route.dto.js';
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

  @Delete('grace')
  @HttpCode(204)
  @ApiOperation({
    summary: "End a vacant route's grace",
    description:
      'A route whose last agent left is kept for `routeGraceMs`, its requests waiting for an agent. ' +
      'This drops it now: the waiting requests get 503 `no_backend`, later ones 404, and any permitted key may claim it.',
    operationId: 'endRouteGrace',
  })
  @ApiNoContentResponse({ description: 'The grace ended and the route is gone.' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No route with that host and path is in its grace.' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing or malformed host or path.' })
  endGrace(@Query() query: RouteSelectorQuery): void {
    if (!this.routes.endGrace(query.host, query.path)) {
      throw new NotFoundException(`no route ${query.host}${query.path} is in its grace`);
    }
  }
}
