import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { and, asc, eq, gt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiTokens, sessions, users } from '../db/schema.ts';
import { Conflict, Forbidden, Invalid, NotFound, Unauthenticated } from '../errors.ts';
import { normalisedEmail } from './email.ts';
import { LoginThrottle } from './login-throttle.ts';
import type { CurrentUser, Role } from './roles.ts';

const SESSION_DAYS = 30;

export interface UserView extends CurrentUser {
  disabled: boolean;
  createdAt: string;
}

export interface NewUser { email: string; name: string; role: Role; password: string }
export interface UserChanges { name?: string; role?: Role; disabled?: boolean; password?: string }

/** Tokens are random; only their sha256 is stored, so a copy of the database opens no session. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
export const newToken = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

export function userView(row: typeof users.$inferSelect): UserView {
  return { id: row.id, email: row.email, name: row.name, role: row.role, disabled: row.disabled, createdAt: row.createdAt.toISOString() };
}

export function checkPassword(password: string) {
  if (password.length < 8) throw new Invalid('password must be at least 8 characters', 'WEAK_PASSWORD');
}

export function authService(db: Db, throttle = new LoginThrottle()) {
  async function findByEmail(email: string) {
    const [row] = await db.select().from(users).where(sql`lower(${users.email}) = ${normalisedEmail(email)}`);
    return row;
  }

  async function endSessions(userId: string) {
    await db.delete(sessions).where(eq(sessions.userId, userId));
  }

  async function startSession(userId: string): Promise<string> {
    const token = newToken('chs');
    await db.insert(sessions).values({
      tokenHash: tokenHash(token), userId, expiresAt: new Date(Date.now() + SESSION_DAYS * 86400_000),
    });
    return token;
  }

  return {
    startSession,

    async createUser(input: NewUser): Promise<UserView> {
      checkPassword(input.password);
      const email = normalisedEmail(input.email);
      if (await findByEmail(email)) throw new Conflict(`a user with the email ${email} already exists`, 'EMAIL_TAKEN');
      const [row] = await db.insert(users).values({
        email, name: input.name.trim() || email, role: input.role, passwordHash: await hash(input.password),
      }).returning();
      return userView(row!);
    },

    async listUsers(): Promise<UserView[]> {
      return (await db.select().from(users).orderBy(asc(users.email))).map(userView);
    },

    async getUser(id: string): Promise<UserView> {
      const [row] = await db.select().from(users).where(eq(users.id, id));
      if (!row) throw new NotFound('no such user', 'USER_NOT_FOUND');
      return userView(row);
    },

    async findUserByEmail(email: string): Promise<UserView | undefined> {
      const row = await findByEmail(email);
      return row && userView(row);
    },

    async countUsers(): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
      return row!.n;
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
      const [row] = await db.update(users).set(patch).where(eq(users.id, id)).returning();
      // A new password or a disabled account ends every open session of that user.
      if (changes.password !== undefined || changes.disabled) await endSessions(id);
      return userView(row!);
    },

    async login(email: string, password: string, ip: string): Promise<{ user: UserView; token: string }> {
      await throttle.admit(email, ip);
      const row = await findByEmail(email);
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
      const [row] = await db.select().from(users).where(eq(users.id, user.id));
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
        await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
        await tx.delete(sessions).where(keepSession
          ? and(eq(sessions.userId, user.id), ne(sessions.tokenHash, tokenHash(keepSession)))
          : eq(sessions.userId, user.id));
        await tx.delete(apiTokens).where(eq(apiTokens.userId, user.id));
      });
    },

    async logout(token: string): Promise<void> {
      await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash(token)));
    },

    async userForSession(token: string): Promise<CurrentUser | undefined> {
      const [row] = await db.select({ user: users }).from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.tokenHash, tokenHash(token)), gt(sessions.expiresAt, new Date()), eq(users.disabled, false)));
      return row && userView(row.user);
    },

    async userForApiToken(token: string): Promise<CurrentUser | undefined> {
      const [row] = await db.select({ user: users, tokenId: apiTokens.id }).from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(and(eq(apiTokens.tokenHash, tokenHash(token)), eq(users.disabled, false)));
      if (!row) return undefined;
      await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.tokenId));
      return userView(row.user);
    },

    /** A token acts with its owner's role, never more. */
    async createApiToken(user: CurrentUser, name: string): Promise<{ id: string; name: string; token: string; createdAt: string }> {
      const token = newToken('cht');
      const [row] = await db.insert(apiTokens).values({ userId: user.id, name: name.trim(), tokenHash: tokenHash(token) }).returning();
      return { id: row!.id, name: row!.name, token, createdAt: row!.createdAt.toISOString() };
    },

    async listApiTokens(user: CurrentUser) {
      const rows = await db.select().from(apiTokens).where(eq(apiTokens.userId, user.id)).orderBy(asc(apiTokens.createdAt));
      return rows.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null }));
    },

    async deleteApiToken(user: CurrentUser, id: string): Promise<void> {
      const deleted = await db.delete(apiTokens).where(and(eq(apiTokens.id, id), eq(apiTokens.userId, user.id))).returning();
      if (deleted.length === 0) throw new NotFound('no such token', 'TOKEN_NOT_FOUND');
    },

    /**
     * While no admin exists: an admin from ADMIN_EMAIL/ADMIN_PASSWORD, or admin@localhost with a random password
     * returned for printing once. Keyed on admins, not on users: a demo run before the first start adds users too.
     */
    async ensureAdmin(email: string | undefined, password: string | undefined): Promise<{ email: string; generatedPassword?: string } | undefined> {
      const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1);
      if (admin) return undefined;
      const adminEmail = email ?? 'admin@localhost';
      // Somebody of that name exists already without being admin: raising their role is for a person to decide.
      if (await findByEmail(adminEmail)) return undefined;
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
