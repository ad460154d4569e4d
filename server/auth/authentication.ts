// The authentication plugin: turns a request's API token or session cookie into its principal (principal.ts),
// once, before any route runs, and refuses cross-site state changes made with the cookie. Wrapped in
// fastify-plugin so its hook and decorations reach every route of the app.
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Forbidden } from '../errors.ts';
import { principalOf, userOfPrincipal, type Principal } from './principal.ts';
import type { CurrentUser } from './roles.ts';
import type { AuthService } from './service.ts';
import type { TokenScope } from './token-scope.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts for; null when it came with neither a valid session nor a token. */
    principal: Principal | null;
    /** The signed-in person behind the principal (read from it; null for a share-link visitor). */
    readonly user: CurrentUser | null;
    /** The raw session cookie, when the request came with one. */
    sessionToken: string | null;
    /** The scope of the API token the request came with; null for a session. */
    tokenScope: TokenScope | null;
  }
}

export const SESSION_COOKIE = 'ch_session';

export interface AuthenticationOptions {
  auth: AuthService;
  /** The address the app is served at, an accepted Origin besides the request's own host. */
  publicUrl: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const authentication = fp<AuthenticationOptions>(async (app, { auth, publicUrl }) => {
  app.decorateRequest('principal', null);
  app.decorateRequest('user', { getter(this: FastifyRequest) { return userOfPrincipal(this.principal); } });
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('tokenScope', null);

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      // A bad or expired token is refused outright, and a good one's scope is checked here for every route (before
      // any body is read): token-scope.ts.
      const token = await auth.apiTokenPrincipal(bearer);
      req.principal = principalOf(token.user);
      req.tokenScope = token.scope;
      await auth.authorizeTokenRequest(token, req.method, req.routeOptions.url, req.params);
      return;
    }
    const session = req.cookies[SESSION_COOKIE];
    if (!session) return;
    req.sessionToken = session;
    const user = await auth.userForSession(session);
    req.principal = user ? principalOf(user) : null;
    // Cookies ride along on cross-site requests; a state change must come from our own pages (CSRF).
    if (!SAFE_METHODS.has(req.method) && !sameOrigin(req.headers.origin, req.headers['sec-fetch-site'], req.headers.host, publicUrl)) {
      throw new Forbidden('cross-site request refused', 'CROSS_SITE');
    }
  });
}, { name: 'authentication', dependencies: ['@fastify/cookie'] });

function sameOrigin(origin: string | undefined, fetchSite: string | string[] | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin) {
    try {
      const o = new URL(origin);
      return o.host === host || o.origin === new URL(publicUrl).origin;
    } catch {
      return false;
    }
  }
  // No Origin: a non-browser client (curl, integrations) unless the browser says cross-site.
  return fetchSite !== 'cross-site';
}
