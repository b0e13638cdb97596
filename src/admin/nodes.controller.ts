import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from './openapi-decorators.js';
import { AdminApi } from './admin-api.decorator.js';
import { NodesDto } from './node.dto.js';
import { NodesService } from './nodes.service.js';

/** `/_harp/api/nodes`: the proxies of the cluster. */
@Controller('_harp/api/nodes')
@AdminApi('nodes')
export class NodesController {
  constructor(private readonly nodes: NodesService) {}

  @Get()
  @ApiOperation({
    summary: 'The nodes of the cluster',
    description:
      'Every proxy process of the cluster with its agents, routes and last heartbeat, as this node mirrors the directory. ' +
      'Outside cluster mode: `cluster: false` and this process alone.',
    operationId: 'listNodes',
  })
  @ApiOkResponse({ type: NodesDto })
  list(): NodesDto {
    return this.nodes.list();
  }
}
