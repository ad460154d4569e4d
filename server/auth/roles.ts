export const ROLES = ['sales', 'marketing', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** Roles are ordered: each can do what the ones before it can. */
export function hasRole(user: Pick<CurrentUser, 'role'>, atLeast: Role): boolean {
  return ROLES.indexOf(user.role) >= ROLES.indexOf(atLeast);
}
