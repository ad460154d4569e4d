import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { assets } from '../db/schema.ts';
import { Forbidden } from '../errors.ts';
import type { CurrentUser } from './roles.ts';

/**
 * What an API token may do, within what its owner's role allows (a token never acts above its owner's role):
 * - `read`: look only: GET and HEAD of any route the owner may read.
 * - `upload`: read, plus create assets, and add versions to and edit the metadata of the owner's own assets.
 * - `admin`: everything the owner's role allows.
 * No token manages tokens or the password: that needs a person signed in with a session, so a leaked token can
 * neither mint its successor nor outlive a password change.
 */
export const TOKEN_SCOPES = ['read', 'upload', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes (as registered) that take a session, whatever the token's scope. */
const SESSION_ONLY = new Set(['/api/auth/tokens', '/api/auth/tokens/:id', '/api/auth/password']);
/** The writes of an upload token; `own` ones only on an asset (`:id`) its owner owns. */
const UPLOAD_WRITES: Record<string, 'any' | 'own'> = {
  'POST /api/assets': 'any',
  'POST /api/assets/:id/versions': 'own',
  'PATCH /api/assets/:id': 'own',
};

export type TokenReach = { allowed: true; ownAssetOnly: boolean } | { allowed: false; reason: string; code: string };

/** The scope table above as a function of the route; `route` is the registered pattern, undefined when none matched. */
export function tokenReach(scope: TokenScope, method: string, route: string | undefined): TokenReach {
  if (route === undefined) return { allowed: true, ownAssetOnly: false }; // no such route: its 404 says more than a 403
  if (SESSION_ONLY.has(route)) {
    return { allowed: false, code: 'SESSION_REQUIRED', reason: 'API tokens and the password are managed signed in, on the account page; an API token cannot do this' };
  }
  if (scope === 'admin' || READS.has(method)) return { allowed: true, ownAssetOnly: false };
  const write = scope === 'upload' ? UPLOAD_WRITES[`${method} ${route}`] : undefined;
  if (write) return { allowed: true, ownAssetOnly: write === 'own' };
  return {
    allowed: false, code: 'TOKEN_SCOPE',
    reason: scope === 'read'
      ? `this API token is read-only; ${method} needs a token with the upload or admin scope`
      : `this API token may only upload assets and versions and edit its owner's assets; ${method} ${route} needs the admin scope`,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one check of every request made with an API token, run before its body is read. Ownership is decided here
 * too, so no route or service needs to know that tokens exist; an asset that does not exist (or a malformed id)
 * is left to the route, whose 404 or 400 is the better answer.
 */
export async function authorizeTokenRequest(db: Db, scope: TokenScope, user: CurrentUser, method: string, route: string | undefined, params: unknown): Promise<void> {
  const reach = tokenReach(scope, method, route);
  if (!reach.allowed) throw new Forbidden(reach.reason, reach.code);
  if (!reach.ownAssetOnly) return;
  const id = (params as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !UUID.test(id)) return;
  const [asset] = await db.select({ ownerId: assets.ownerId }).from(assets).where(eq(assets.id, id));
  if (asset && asset.ownerId !== user.id) {
    throw new Forbidden('an upload API token changes only assets its owner owns; use the web app or an admin-scope token for others', 'TOKEN_SCOPE');
  }
}
