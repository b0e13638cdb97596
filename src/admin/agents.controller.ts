import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from './openapi-decorators.js';
import { AdminApi } from './admin-api.decorator.js';
import { AgentDto, AgentIdParams } from './agent.dto.js';
import { AgentsService } from './agents.service.js';
import { ErrorDto } from './error.dto.js';

/** `/_harp/api/agents`: connected agents; drain and disconnect. */
@Controller('_harp/api/agents')
@AdminApi('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @ApiOperation({ summary: 'List connected agents', operationId: 'listAgents' })
  @ApiOkResponse({ type: [AgentDto] })
  list(): AgentDto[] {
    return this.agents.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agent', operationId: 'getAgent' })
  @ApiOkResponse({ type: AgentDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'The id is malformed.' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No agent has this id.' })
  get(@Param() params: AgentIdParams): AgentDto {
    return this.agents.get(params.id);
  }

  @Post(':id/drain')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Drain an agent',
    description: 'Stops new traffic to the agent; it is disconnected once its in-flight requests are done.',
    operationId: 'drainAgent',
  })
  @ApiAcceptedResponse({ type: AgentDto, description: 'Draining; the agent as it is now.' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'The id is malformed.' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No agent has this id.' })
  @ApiConflictResponse({ type: ErrorDto, description: 'The agent has not authenticated yet.' })
  drain(@Param() params: AgentIdParams): AgentDto {
    return this.agents.drain(params.id);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Disconnect an agent now',
    description: 'Its routes go at once; its in-flight requests fail with 502.',
    operationId: 'disconnectAgent',
  })
  @ApiNoContentResponse({ description: 'Disconnected.' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'The id is malformed.' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No agent has this id.' })
  disconnect(@Param() params: AgentIdParams): void {
    this.agents.disconnect(params.id);
  }
}
