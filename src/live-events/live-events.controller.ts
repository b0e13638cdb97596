import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '../admin/openapi-decorators.js';
import type { ServerResponse } from 'node:http';
import { AdminApi } from '../admin/admin-api.decorator.js';
import { LiveEventsService } from './live-events.service.js';
import { StatsDto } from './stats.dto.js';

/** `/_harp/api/stats` and the live event stream `/_harp/api/events`. */
@Controller('_harp/api')
@AdminApi('live')
export class LiveEventsController {
  constructor(private readonly live: LiveEventsService) {}

  @Get('stats')
  @ApiOperation({ summary: 'Traffic, agents, routes and cache ratio now', operationId: 'getStats' })
  @ApiOkResponse({ type: StatsDto })
  stats(): StatsDto {
    return this.live.stats();
  }

  @Get('events')
  @ApiOperation({
    summary: 'Live events (Server-Sent Events)',
    description:
      'A `text/event-stream` of `stats` (every second, same shape as GET /stats), `agent.connected`, ' +
      '`agent.disconnected`, `routes.changed`, `exchange` (an inspector summary per finished request) and ' +
      '`dropped` (`{count}` events skipped because the client read too slowly). Each `data:` is one JSON line.',
    operationId: 'streamEvents',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'The event stream; it stays open.', schema: { type: 'string' } })
  events(@Res() res: ServerResponse): void {
    this.live.stream(res);
  }
}
