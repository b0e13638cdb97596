import { Module } from '@nestjs/common';
import { RegistrationModule } from '../registration/registration.module.js';
import { ShutdownService } from './shutdown.service.js';

/** The proxy's graceful shutdown; health and metrics read its state. Needs `HarpConfigModule`. */
@Module({
  imports: [RegistrationModule],
  providers: [ShutdownService],
  exports: [ShutdownService],
})
export class ShutdownModule {}
