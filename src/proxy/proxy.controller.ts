import { All, Controller, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProxyService } from './proxy.service.js';

/**
 * The catch-all door to {@link ProxyService} for applications that import HARP's modules into
 * their own Nest app. It must be registered after every other controller (its module is
 * imported last) so that it never shadows a real route. The standalone server does not route
 * public traffic through here: it skips Express on the data plane entirely.
 */
@Controller()
export class ProxyController {
  constructor(private readonly proxy: ProxyService) {}

  @All('{*path}')
  forward(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    this.proxy.handle(req, res);
  }
}
