import { ROLES, type Role } from './api.ts';

/** Roles are ordered: each can do what the ones before it can (same rule as the server). */
export function hasRole(user: { role: Role } | null | undefined, atLeast: Role): boolean {
  return !!user && ROLES.indexOf(user.role) >= ROLES.indexOf(atLeast);
}

export const ROLE_LABELS: Record<Role, string> = {
  sales: 'Sales', marketing: 'Marketing', approver: 'Approver', admin: 'Admin',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  sales: 'Browse and download approved content',
  marketing: 'Upload, tag and submit content for review',
  approver: 'Everything marketing can, plus approve, reject and archive',
  admin: 'Everything, plus users and the taxonomy',
};
