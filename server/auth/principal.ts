// Who a request acts for: one principal per request, made from its session cookie or API token by the
// authentication plugin (authentication.ts). What a principal may see is decided in access/; what it may do, by
// the guards and the services.
import type { CurrentUser, Role } from './roles.ts';

/** The roles that work on content rather than only use it. */
export type StaffRole = Exclude<Role, 'sales'>;

export type Principal =
  /** Marketing and up: they see assets as they are now, drafts and proposals included. */
  | { kind: 'staff'; user: CurrentUser; role: StaffRole }
  /** Sales see live assets, as approved. */
  | { kind: 'sales'; user: CurrentUser }
  /** A visitor holding a share link: sees the link's assets as sales do. Nothing issues one yet. */
  | { kind: 'share'; linkId: string; assetIds: string[] };

/** The one place a role becomes a kind of principal; roles are ordered, so everyone above sales is staff. */
export function principalOf(user: CurrentUser): Principal {
  const { role } = user;
  return role === 'sales' ? { kind: 'sales', user } : { kind: 'staff', user, role };
}

/** The signed-in person behind a principal; null for nobody and for a share-link visitor. */
export function userOfPrincipal(principal: Principal | null): CurrentUser | null {
  return principal && principal.kind !== 'share' ? principal.user : null;
}
