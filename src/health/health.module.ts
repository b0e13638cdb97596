import { Module } from '@nestjs/common';
import { RegistrationModule } from '../registration/registration.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [RegistrationModule], controllers: [HealthController] })
export class HealthModule {}
