// Accounts and sign-ins: users, passwords, sessions and API tokens, and when a change ends whose sign-ins. The rules
// are here; the SQL is in store.ts, what a token may reach in token-scope.ts, and invites in invites.ts.
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { batchedReads } from '../db/batched-reads.ts';
import type { Db, Tx } from '../db/client.ts';
import type { users } from '../db/schema.ts';
import { Conflict, Forbidden, Invalid, NotFound, Unauthenticated } from '../errors.ts';
import { normalisedEmail } from './email.ts';
import { LoginThrottle } from './login-throttle.ts';
import type { CurrentUser, Role } from './roles.ts';
import { SessionCache } from './session-cache.ts';
import * as store from './store.ts';
import type { ApiTokenRow, UserRow } from './store.ts';
import { authorizeTokenRequest, type TokenScope } from './token-scope.ts';

const SESSION_DAYS = 30;

export interface UserView extends CurrentUser {
  disabled: boolean;
  createdAt: string;
}

export interface NewApiToken { name: string; scope: TokenScope; expiresInDays: number }
export interface ApiTokenView { id: string; name: string; scope: TokenScope; createdAt: string; expiresAt: string; lastUsedAt: string | null }

export function apiTokenView(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id, name: row.name, scope: row.scope, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

export interface NewUser { email: string; name: string; role: Role; password: string }
export interface UserChanges { name?: string; role?: Role; disabled?: boolean; password?: string }

/** Tokens are random; only their sha256 is stored, so a copy of the database opens no session. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
export const newToken = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

export function userView(row: UserRow): UserView {
  return { id: row.id, email: row.email, name: row.name, role: row.role, disabled: row.disabled, createdAt: row.createdAt.toISOString() };
}

export function checkPassword(password: string) {
  if (password.length < 8) throw new Invalid('password must be at least 8 characters', 'WEAK_PASSWORD');
}

export function authService(db: Db, throttle = new LoginThrottle(), sessionCache = new SessionCache()) {
  /** Sessions not remembered, read together with the others missed in the same moment (batched-reads.ts). */
  const liveSession = batchedReads((hashes: string[]) => store.findLiveSessions(db, hashes, new Date()));

  /**
   * Sessions ended or users changed: this process forgets what it remembers of sessions at once, and the others when
   * the NOTIFY arrives (sent inside `tx`, it is delivered at its commit). See session-cache.ts.
   */
  async function signInsChanged(tx: Db | Tx) {
    sessionCache.clear();
    await store.notifySignInsChanged(tx);
  }

  /** Whoever held a session or an API token of this user is out: after a new password, or when the account is disabled. */
  async function endSignIns(tx: Tx, userId: string, keepSession?: string | null) {
    await store.deleteSignInsOf(tx, userId, keepSession ? tokenHash(keepSession) : undefined);
    await signInsChanged(tx);
  }

  async function startSession(userId: string): Promise<string> {
    const token = newToken('chs');
    await store.insertSession(db, tokenHash(token), userId, new Date(Date.now() + SESSION_DAYS * 86400_000));
    return token;
  }

  return {
    startSession,

    async createUser(input: NewUser): Promise<UserView> {
      checkPassword(input.password);
      const email = normalisedEmail(input.email);
      if (await store.findUserByEmail(db, email)) throw new Conflict(`a user with the email ${email} already exists`, 'EMAIL_TAKEN');
      const row = await store.insertUser(db, {
        email, name: input.name.trim() || email, role: input.role, passwordHash: await hash(input.password),
      });
      return userView(row);
    },

    async listUsers(): Promise<UserView[]> {
      return (await store.usersByEmail(db)).map(userView);
    },

    async getUser(id: string): Promise<UserView> {
      const row = await store.findUserById(db, id);
      if (!row) throw new NotFound('no such user', 'USER_NOT_FOUND');
      return userView(row);
    },

    async findUserByEmail(email: string): Promise<UserView | undefined> {
      const row = await store.findUserByEmail(db, email);
      return row && userView(row);
    },

    async countUsers(): Promise<number> {
      return store.countUsers(db);
    },

    /** Admins change others; nobody changes their own role or locks themselves out (an admin must remain). */
    async updateUser(actor: CurrentUser, id: string, changes: UserChanges): Promise<UserView> {
      const target = await this.getUser(id);
      if (actor.id === id && ((changes.role && changes.role !== target.role) || changes.disabled)) {
        throw new Forbidden('you cannot change your own role or disable yourself; ask another admin', 'SELF_CHANGE');
      }
      const patch: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
      if (changes.name !== undefined) patch.name = changes.name.trim() || target.email;
      if (changes.role !== undefined) patch.role = changes.role;
      if (changes.disabled !== undefined) patch.disabled = changes.disabled;
      if (changes.password !== undefined) {
        checkPassword(changes.password);
        patch.passwordHash = await hash(changes.password);
      }
      const row = await db.transaction(async (tx) => {
        const updated = await store.updateUser(tx, id, patch);
        // A new password (an admin's reset, `npm run user -- set-password`) or a disabled account ends every session
        // and API token of that user, in the same commit; re-enabling the account brings none of them back.
        if (changes.password !== undefined || changes.disabled) await endSignIns(tx, id);
        // A remembered session carries the user's name and role.
        else await signInsChanged(tx);
        return updated!;
      });
      // Also after the commit: a request that read the row before it must not be remembered past it.
      sessionCache.clear();
      return userView(row);
    },

    async login(email: string, password: string, ip: string): Promise<{ user: UserView; token: string }> {
      await throttle.admit(email, ip);
      const row = await store.findUserByEmail(db, email);
      // Verify even for unknown emails so timing does not tell which accounts exist.
      const ok = await verify(row?.passwordHash ?? await unknownUserHash(), password).catch(() => false);
      if (!row || !ok || row.disabled) {
        throttle.fail(email, ip);
        throw new Unauthenticated('wrong email or password', 'BAD_CREDENTIALS');
      }
      throttle.succeed(email, ip);
      return { user: userView(row), token: await startSession(row.id) };
    },

    /**
     * The user changes their own password, proving they know the current one (a borrowed session alone is not enough).
     * Wrong guesses count against the same limit as sign-ins. Every other session and every API token of the user
     * ends, so whoever knew the old password is out; `keepSession` (the caller's own) stays signed in.
     */
    async changePassword(user: CurrentUser, currentPassword: string, newPassword: string, ip: string, keepSession: string | null): Promise<void> {
      await throttle.admit(user.email, ip);
      const row = await store.findUserById(db, user.id);
      if (!row) throw new NotFound('no such user', 'USER_NOT_FOUND');
      if (!(await verify(row.passwordHash, currentPassword).catch(() => false))) {
        throttle.fail(user.email, ip);
        throw new Invalid('the current password is wrong', 'WRONG_PASSWORD');
      }
      throttle.succeed(user.email, ip);
      checkPassword(newPassword);
      if (newPassword === currentPassword) throw new Invalid('the new password is the same as the current one', 'SAME_PASSWORD');
      const passwordHash = await hash(newPassword);
      await db.transaction(async (tx) => {
        await store.setPasswordHash(tx, user.id, passwordHash, new Date());
        await endSignIns(tx, user.id, keepSession);
      });
      sessionCache.clear();
    },

    async logout(token: string): Promise<void> {
      await db.transaction(async (tx) => {
        await store.deleteSession(tx, tokenHash(token));
        await signInsChanged(tx);
      });
      sessionCache.clear();
    },

    /** Another process ended sessions or changed users (SESSION_CHANNEL). */
    forgetSessions(): void {
      sessionCache.clear();
    },

    async userForSession(token: string): Promise<CurrentUser | undefined> {
      const hashed = tokenHash(token);
      const remembered = sessionCache.get(hashed);
      if (remembered) return remembered;
      const ticket = sessionCache.ticket();
      const row = await liveSession(hashed);
      if (!row) return undefined;
      const user = userView(row.user);
      sessionCache.set(ticket, hashed, user, row.expiresAt);
      return user;
    },

    /**
     * Who an API token acts for and within which scope; a token that is unknown (revoked, or ended by a password
     * change or by disabling its owner) or expired is a 401 that says which, so an integration's log tells what to fix.
     */
    async apiTokenPrincipal(token: string, now = new Date()): Promise<{ user: CurrentUser; scope: TokenScope }> {
      const row = await store.findApiTokenWithOwner(db, tokenHash(token));
      if (!row || row.user.disabled) {
        throw new Unauthenticated('this API token is not valid: it was revoked, or ended by a password change or by disabling its account', 'TOKEN_INVALID');
      }
      if (row.token.expiresAt <= now) {
        throw new Unauthenticated(`this API token expired on ${row.token.expiresAt.toISOString().slice(0, 10)}; create a new one on the account page`, 'TOKEN_EXPIRED');
      }
      // "Last used" to the minute is what the token list shows; one write a minute, not one per call.
      if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > 60_000) {
        await store.setApiTokenLastUsed(db, row.token.id, now);
      }
      return { user: userView(row.user), scope: row.token.scope };
    },

    /** The scope guard of every request made with a token: token-scope.ts. */
    authorizeTokenRequest(principal: { user: CurrentUser; scope: TokenScope }, method: string, route: string | undefined, params: unknown): Promise<void> {
      return authorizeTokenRequest(db, principal.scope, principal.user, method, route, params);
    },

    /** A token acts within its owner's role and its scope, never more; its secret is in this answer only. */
    async createApiToken(user: CurrentUser, input: NewApiToken): Promise<ApiTokenView & { token: string }> {
      const token = newToken('cht');
      const createdAt = new Date();
      const row = await store.insertApiToken(db, {
        userId: user.id, name: input.name.trim() || 'API token', tokenHash: tokenHash(token), scope: input.scope, createdAt,
        expiresAt: new Date(createdAt.getTime() + input.expiresInDays * 86400_000),
      });
      return { ...apiTokenView(row), token };
    },

    /** The user's tokens, expired ones too (so they can see why an integration stopped), newest first; never a secret. */
    async listApiTokens(user: CurrentUser): Promise<ApiTokenView[]> {
      return (await store.apiTokensOf(db, user.id)).map(apiTokenView);
    },

    async deleteApiToken(user: CurrentUser, id: string): Promise<void> {
      if (!(await store.deleteApiTokenOf(db, user.id, id))) throw new NotFound('no such token', 'TOKEN_NOT_FOUND');
    },

    /**
     * While no admin exists: an admin from ADMIN_EMAIL/ADMIN_PASSWORD, or admin@localhost with a random password
     * returned for printing once. Keyed on admins, not on users: a demo run before the first start adds users too.
     */
    async ensureAdmin(email: string | undefined, password: string | undefined): Promise<{ email: string; generatedPassword?: string } | undefined> {
      if (await store.hasAdmin(db)) return undefined;
      const adminEmail = email ?? 'admin@localhost';
      // Somebody of that name exists already without being admin: raising their role is for a person to decide.
      if (await store.findUserByEmail(db, adminEmail)) return undefined;
      const generatedPassword = password ? undefined : randomBytes(12).toString('base64url');
      await this.createUser({ email: adminEmail, name: 'Administrator', role: 'admin', password: password ?? generatedPassword! });
      return { email: adminEmail, generatedPassword };
    },
  };
}

export type AuthService = ReturnType<typeof authService>;

// Hash of a random string, verified against when the email is unknown; made on first use.
let dummyHash: Promise<string> | undefined;
const unknownUserHash = () => (dummyHash ??= hash(randomBytes(16).toString('hex')));
