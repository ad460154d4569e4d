// Route guards: who may call a route at all (signed in, a role at least). The principal they read is set by the
// authentication plugin (authentication.ts); what a principal may see is access/'s to decide.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Forbidden, Unauthenticated } from '../errors.ts';
import { type CurrentUser, hasRole, type Role } from './roles.ts';

export async function requireUser(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!req.user) throw new Unauthenticated('sign in first', 'NOT_SIGNED_IN');
}

export function requireRole(role: Role) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!req.user) throw new Unauthenticated('sign in first', 'NOT_SIGNED_IN');
    if (!hasRole(req.user, role)) throw new Forbidden(`this needs the ${role} role; you are ${req.user.role}`, 'ROLE_REQUIRED');
  };
}

/** The signed-in user; for handlers behind requireUser/requireRole. */
export function userOf(req: FastifyRequest): CurrentUser {
  if (!req.user) throw new Unauthenticated('sign in first', 'NOT_SIGNED_IN');
  return req.user;
}
