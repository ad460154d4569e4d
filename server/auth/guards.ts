import type { FastifyReply, FastifyRequest } from 'fastify';
import { Forbidden, Unauthenticated } from '../errors.ts';
import { type CurrentUser, hasRole, type Role } from './roles.ts';
import type { TokenScope } from './token-scope.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook in app.ts from the session cookie or a bearer token. */
    user: CurrentUser | null;
    /** The raw session cookie, when the request came with one. */
    sessionToken: string | null;
    /** The scope of the API token the request came with; null for a session. */
    tokenScope: TokenScope | null;
  }
}

export const SESSION_COOKIE = 'ch_session';

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
