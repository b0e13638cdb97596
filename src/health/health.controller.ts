import { Controller, Get } from '@nestjs/common';
import { RegistrationService } from '../registration/registration.service.js';
import { RoutingService } from '../routing/routing.service.js';

/** Liveness: the process answers, with a few numbers an operator looks at first. */
@Controller('_harp')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly registration: RegistrationService,
    private readonly routing: RoutingService,
  ) {}

  @Get('healthz')
  health(): { status: 'ok'; uptimeSeconds: number; agents: number; routes: number } {
    return {
      status: 'ok',
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      agents: this.registration.list().length,
      routes: this.routing.routeCount,
    };
  }
}
