import { Module } from '@nestjs/common';
import { AgentGateway } from './agent.gateway.js';
import { RegistrationService } from './registration.service.js';

/** Agents connect, authenticate and claim routes here. Needs the config and routing modules. */
@Module({
  providers: [AgentGateway, RegistrationService],
  exports: [RegistrationService],
})
export class RegistrationModule {}
