import { Injectable } from '@nestjs/common';
import { RoutingService } from '../routing/routing.service.js';
import type { RouteDto } from './route.dto.js';

/** The admin view of the route table. */
@Injectable()
export class RoutesService {
  constructor(private readonly routing: RoutingService) {}

  /** Every route in precedence order: exact hosts, wildcards most specific first, `*`; longest prefix first. */
  list(): RouteDto[] {
    return this.routing.routes().map((view) => {
      const cache = view.options.cache;
      return {
        host: view.host,
        path: view.path,
        hostKind: view.hostKind,
        ownerKeyId: view.ownerKeyId,
        pool: view.members.map((member) => member.id),
        balancing: 'round-robin',
        cache: {
          enabled: cache?.enabled ?? true,
          defaultTtlSeconds: cache?.defaultTtlMs === undefined ? null : cache.defaultTtlMs / 1000,
        },
        graceUntil: view.vacantUntil === undefined ? null : new Date(view.vacantUntil).toISOString(),
        heldRequests: this.routing.heldAt(view.host, view.path),
      };
    });
  }

  /** Ends a vacant route's grace now (its waiting requests get 503). False: no such vacant route. */
  endGrace(host: string, path: string): boolean {
    return this.routing.endGrace({ host, path });
  }
}
