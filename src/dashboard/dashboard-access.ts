import { decideAdminAccess } from '../admin/admin-access.js';
import type { AdminAccess } from '../admin/admin-access.js';

/** What the dashboard's access rule looks at. */
export interface DashboardAccessInput {
  /** `HarpConfig.adminToken`; absent or empty means "loopback only". */
  readonly adminToken: string | undefined;
  /** The TCP peer (`socket.remoteAddress`), never a forwarded header. */
  readonly remoteAddress: string | undefined;
}

const ALLOWED: AdminAccess = { allowed: true };

/**
 * Who may load the dashboard's page and its scripts. The files hold no data: everything the
 * page shows comes from the admin API, which applies the full admin rule to each call.
 *
 * - With an admin token configured, anyone gets the files. A browser navigation cannot send a
 *   bearer header, so the page asks for the token and sends it on its own API calls.
 * - Without one, the admin rule applies as it is (loopback only, 403 to others): serving the
 *   page to a client that could not use it would only advertise the proxy's admin surface.
 */
export function decideDashboardAccess(input: DashboardAccessInput): AdminAccess {
  if (input.adminToken !== undefined && input.adminToken !== '') return ALLOWED;
  return decideAdminAccess({ adminToken: undefined, authorization: undefined, remoteAddress: input.remoteAddress });
}
