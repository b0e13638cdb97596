import { Injectable } from '@nestjs/common';
import type { Route } from '../routing/route.js';
import type { RouteBackend } from '../routing/route-backend.js';
import { RoutingService } from '../routing/routing.service.js';
import type { MemberHealthDto } from './member-health.dto.js';
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
        members: view.members.map((member) => ({
          id: member.id,
          weight: member.weight,
          inFlight: member.inFlight(),
          health: memberHealthDto(this.routing, view, member),
        })),
        balancing: view.options.balance ?? 'round-robin',
        sticky: view.options.sticky ? { ...view.options.sticky } : null,
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

/** A member's health on `route` as the admin API shows it (healthy when it has no record). */
export function memberHealthDto(routing: RoutingService, route: Route, member: RouteBackend): MemberHealthDto {
  const health = routing.memberHealth(route, member);
  return {
    state: health?.state ?? 'healthy',
    ejectedUntil: health?.ejectedUntil === undefined ? null : new Date(health.ejectedUntil).toISOString(),
    consecutiveFailures: health?.failures ?? 0,
  };
}
