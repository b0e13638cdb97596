import type { RegistrationService } from '../registration/registration.service.js';
import type { RoutingService } from '../routing/routing.service.js';
import type { LocalNode, LocalRoute } from './cluster-directory.js';

/** This process as the directory sees it: the routes it has members of, and its agents. */
export function localNodeOf(routing: RoutingService, registration: RegistrationService): LocalNode {
  return {
    routes: (): LocalRoute[] =>
      routing
        .routes()
        .filter((pool) => pool.members.length > 0)
        .map(({ host, path, ownerKeyId, members }) => ({ host, path, ownerKeyId, members: members.length })),
    agents: () => registration.list().length,
  };
}
