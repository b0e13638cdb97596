import { Module } from '@nestjs/common';
import { AgentGateway } from './agent.gateway.js';
import { RegistrationEvents } from './registration-events.js';
import { RegistrationService } from './registration.service.js';

/** Agents connect, authenticate and claim routes here. Needs the config and routing modules. */
@Module({
  providers: [AgentGateway, RegistrationService, RegistrationEvents],
  exports: [RegistrationService, RegistrationEvents],
})
export class RegistrationModule {}
