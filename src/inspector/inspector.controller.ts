import { Readable } from 'node:stream';
import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
} from '../admin/openapi-decorators.js';
import { AdminApi } from '../admin/admin-api.decorator.js';
import { ErrorDto } from '../admin/error.dto.js';
import { harpVersion } from '../harp-version.js';
import { harJsonPieces } from './har.js';
import { summaryOf } from './exchange-views.js';
import { ExchangeDetailDto, ExchangeIdParams, ExchangeListDto, ExchangeSummaryDto, InspectorQuery } from './inspector.dto.js';
import { InspectorService } from './inspector.service.js';
import { ReplayService } from './replay.service.js';

/** `/_harp/api/inspector`: recent public exchanges, one in full, replay, HAR export. */
@Controller('_harp/api/inspector')
@AdminApi('inspector')
export class InspectorController {
  constructor(
    private readonly inspector: InspectorService,
    private readonly replays: ReplayService,
  ) {}

  @Get('requests')
  @ApiOperation({ summary: 'Recent exchanges, newest first', operationId: 'listExchanges' })
  @ApiOkResponse({ type: ExchangeListDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A filter is malformed.' })
  list(@Query() query: InspectorQuery): ExchangeListDto {
    return this.inspector.list(query) as ExchangeListDto;
  }

  @Get('requests.har')
  @ApiOperation({ summary: 'Every held exchange as a HAR 1.2 document', operationId: 'exportHar' })
  @ApiProduces('application/json')
  @ApiOkResponse({
    description: 'HTTP Archive 1.2 (secrets redacted, bodies when recorded).',
    schema: { type: 'object', required: ['log'], properties: { log: { type: 'object' } } },
  })
  har(): StreamableFile {
    // Streamed an entry at a time under the client's backpressure: a full ring with bodies makes
    // tens of MiB of HAR, which must not sit in memory whole while a slow client reads it.
    const pieces = harJsonPieces(this.inspector.all(), { isSecret: this.inspector.isSecret, creatorVersion: harpVersion() });
    return new StreamableFile(Readable.from(pieces), {
      type: 'application/json; charset=utf-8',
      disposition: 'attachment; filename="harp.har"',
    });
  }

  @Get('requests/:id')
  @ApiOperation({ summary: 'One exchange in full', operationId: 'getExchange' })
  @ApiOkResponse({ type: ExchangeDetailDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'The id is malformed.' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No exchange with this id is held.' })
  get(@Param() params: ExchangeIdParams): ExchangeDetailDto {
    return this.inspector.detail(params.id) as ExchangeDetailDto;
  }

  @Post('requests/:id/replay')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Send a held request again',
    description:
      'Re-sends the request through the proxy exactly as it was received, with a new X-Request-ID, and answers once the new exchange is over.',
    operationId: 'replayExchange',
  })
  @ApiCreatedResponse({ type: ExchangeSummaryDto, description: 'The new exchange.' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'The id is malformed.' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No exchange with this id is held.' })
  @ApiConflictResponse({ type: ErrorDto, description: 'The request had a body that was not recorded whole.' })
  @ApiBadGatewayResponse({ type: ErrorDto, description: 'The request could not be sent through the proxy.' })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'The proxy listens on no TCP port it could send the request to.' })
  @ApiGatewayTimeoutResponse({ type: ErrorDto, description: 'The replayed request did not finish in time.' })
  async replay(@Param() params: ExchangeIdParams): Promise<ExchangeSummaryDto> {
    return summaryOf(await this.replays.replay(params.id)) as ExchangeSummaryDto;
  }
}
