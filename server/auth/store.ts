// The auth domain's statements: reads and writes of users, sessions, API tokens and invites, so that service.ts and
// invites.ts read as the workflow. Each takes the database or the caller's transaction and a token's hash, never the
// token; none decides a rule (who may change whom, when a password is good enough, when sign-ins end: the services).
import { and, asc, desc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { apiTokens, invites, sessions, users } from '../db/schema.ts';
import { normalisedEmail } from './email.ts';
import { SESSION_CHANNEL } from './session-cache.ts';

type Conn = Db | Tx;
export type UserRow = typeof users.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type InviteRow = typeof invites.$inferSelect;

// Users

/** Emails match whatever their case, as people type them. */
export async function findUserByEmail(db: Conn, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = ${normalisedEmail(email)}`);
  return row;
}

export async function findUserById(db: Conn, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function usersByEmail(db: Db): Promise<UserRow[]> {
  return db.select().from(users).orderBy(asc(users.email));
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row!.n;
}

/** Whether any admin exists (the first start creates one while none does). */
export async function hasAdmin(db: Db): Promise<boolean> {
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1);
  return !!admin;
}

export async function insertUser(db: Conn, values: typeof users.$inferInsert): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}

export async function updateUser(tx: Tx, id: string, patch: Partial<typeof users.$inferInsert>): Promise<UserRow | undefined> {
  const [row] = await tx.update(users).set(patch).where(eq(users.id, id)).returning();
  return row;
}

export async function setPasswordHash(tx: Tx, userId: string, passwordHash: string, at: Date): Promise<void> {
  await tx.update(users).set({ passwordHash, updatedAt: at }).where(eq(users.id, userId));
}

// Sessions and sign-ins

export async function insertSession(db: Conn, tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
  await db.insert(sessions).values({ tokenHash, userId, expiresAt });
}

export async function deleteSession(tx: Tx, tokenHash: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/** The user of a session that has not expired by `now`, if that user is not disabled; with the session's end. */
/** The sessions of these token hashes that have not expired, of enabled users, by token hash. */
export async function findLiveSessions(db: Db, tokenHashes: string[], now: Date): Promise<Map<string, { user: UserRow; expiresAt: Date }>> {
  const rows = await db.select({ tokenHash: sessions.tokenHash, user: users, expiresAt: sessions.expiresAt }).from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(inArray(sessions.tokenHash, tokenHashes), gt(sessions.expiresAt, now), eq(users.disabled, false)));
  return new Map(rows.map(({ tokenHash, ...row }) => [tokenHash, row]));
}

/** Deletes every session of the user but the one hashed as `keepSessionHash`, and every API token of the user. */
export async function deleteSignInsOf(tx: Tx, userId: string, keepSessionHash?: string): Promise<void> {
  await tx.delete(sessions).where(keepSessionHash
    ? and(eq(sessions.userId, userId), ne(sessions.tokenHash, keepSessionHash))
    : eq(sessions.userId, userId));
  await tx.delete(apiTokens).where(eq(apiTokens.userId, userId));
}

/** Tells the other processes that sessions or users changed (SESSION_CHANNEL); sent in `tx`, delivered at its commit. */
export async function notifySignInsChanged(tx: Conn): Promise<void> {
  await tx.execute(sql`select pg_notify(${SESSION_CHANNEL}, '')`);
}

// API tokens

export async function findApiTokenWithOwner(db: Db, tokenHash: string): Promise<{ user: UserRow; token: ApiTokenRow } | undefined> {
  const [row] = await db.select({ user: users, token: apiTokens }).from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, tokenHash));
  return row;
}

export async function setApiTokenLastUsed(db: Db, id: string, at: Date): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id));
}

export async function insertApiToken(db: Db, values: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> {
  const [row] = await db.insert(apiTokens).values(values).returning();
  return row!;
}

/** The user's tokens, newest first. */
export async function apiTokensOf(db: Db, userId: string): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
}

/** Deletes the token if it is the user's; whether there was one to delete. */
export async function deleteApiTokenOf(db: Db, userId: string, id: string): Promise<boolean> {
  const deleted = await db.delete(apiTokens).where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId))).returning();
  return deleted.length > 0;
}

// Invites

/** Not used, not revoked and not expired at `now`. */
const pendingInvite = (now: Date) => and(isNull(invites.usedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now));

export async function findInviteByTokenHash(db: Db, tokenHash: string): Promise<InviteRow | undefined> {
  const [row] = await db.select().from(invites).where(eq(invites.tokenHash, tokenHash));
  return row;
}

export async function findInvite(db: Conn, id: string): Promise<InviteRow | undefined> {
  const [row] = await db.select().from(invites).where(eq(invites.id, id));
  return row;
}

/** Revokes, as of `at`, the invites for this (normalised) email still pending then. */
export async function revokePendingInvitesFor(tx: Tx, email: string, at: Date): Promise<void> {
  await tx.update(invites).set({ revokedAt: at })
    .where(and(sql`lower(${invites.email}) = ${email}`, pendingInvite(at)));
}

export async function insertInvite(tx: Tx, values: typeof invites.$inferInsert): Promise<InviteRow> {
  const [row] = await tx.insert(invites).values(values).returning();
  return row!;
}

/** Invites pending at `now` with who sent them (null once that user is deleted), newest first. */
export async function pendingInvites(db: Db, now: Date): Promise<{ invite: InviteRow; inviter: { id: string; name: string } | null }[]> {
  return db.select({ invite: invites, inviter: { id: users.id, name: users.name } }).from(invites)
    .leftJoin(users, eq(users.id, invites.invitedBy))
    .where(pendingInvite(now))
    .orderBy(desc(invites.createdAt));
}

export async function revokeInvite(db: Db, id: string, at: Date): Promise<void> {
  await db.update(invites).set({ revokedAt: at }).where(eq(invites.id, id));
}

/** Marks the invite used as of `at` if it is still pending then, in one conditional update; the claimed row, if it was. */
export async function claimInvite(tx: Tx, id: string, at: Date): Promise<InviteRow | undefined> {
  const [claimed] = await tx.update(invites).set({ usedAt: at })
    .where(and(eq(invites.id, id), pendingInvite(at))).returning();
  return claimed;
}

export async function setInviteUser(tx: Tx, inviteId: string, userId: string): Promise<void> {
  await tx.update(invites).set({ userId }).where(eq(invites.id, inviteId));
}
