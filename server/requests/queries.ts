// SQL for content requests: the rows, their votes, who hears of them, and the ones whose end is still to be told.
import { and, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { liveForSales } from '../access/visibility.ts';
import type { Db, Tx } from '../db/client.ts';
import { assets, contentRequests, requestVotes, users } from '../db/schema.ts';
import type { RequestStatus } from './schemas.ts';

export type RequestRow = typeof contentRequests.$inferSelect;
export type NewRequestRow = typeof contentRequests.$inferInsert;

const requester = alias(users, 'requester');
const owner = alias(users, 'owner');
const voteCount = sql<number>`(select count(*)::int from ${requestVotes} where ${requestVotes.requestId} = ${contentRequests.id})`;

/** Requests with the people named on them, their votes and whether `voterId` voted; most wanted first. */
export async function listRequests(db: Db | Tx, voterId: string, where: { ids?: string[]; status?: RequestStatus; votedBy?: string; limit: number }) {
  const conditions: (SQL | undefined)[] = [
    where.ids ? inArray(contentRequests.id, where.ids) : isNull(contentRequests.mergedIntoId),
    where.status ? eq(contentRequests.status, where.status) : undefined,
    where.votedBy ? sql`exists (select 1 from ${requestVotes} where ${requestVotes.requestId} = ${contentRequests.id} and ${requestVotes.userId} = ${where.votedBy})` : undefined,
  ];
  return db.select({
    request: contentRequests,
    requester: { id: requester.id, name: requester.name, disabled: requester.disabled },
    owner: { id: owner.id, name: owner.name },
    asset: { id: assets.id, title: assets.title },
    assetLive: sql<boolean>`coalesce(${liveForSales()}, false)`,
    votes: voteCount,
    voted: sql<boolean>`exists (select 1 from ${requestVotes} where ${requestVotes.requestId} = ${contentRequests.id} and ${requestVotes.userId} = ${voterId})`,
  }).from(contentRequests)
    .leftJoin(requester, eq(requester.id, contentRequests.requesterId))
    .leftJoin(owner, eq(owner.id, contentRequests.ownerId))
    .leftJoin(assets, eq(assets.id, contentRequests.assetId))
    .where(and(...conditions))
    .orderBy(desc(voteCount), desc(contentRequests.createdAt), desc(contentRequests.id))
    .limit(where.limit);
}

export type ListedRequest = Awaited<ReturnType<typeof listRequests>>[number];

export async function insertRequest(tx: Tx, row: NewRequestRow): Promise<RequestRow> {
  const [inserted] = await tx.insert(contentRequests).values(row).returning();
  return inserted!;
}

export async function findRequest(db: Db | Tx, id: string, forUpdate = false): Promise<RequestRow | undefined> {
  const query = db.select().from(contentRequests).where(eq(contentRequests.id, id));
  const [row] = await (forUpdate ? query.for('update') : query);
  return row;
}

export async function updateRequest(tx: Tx, id: string, set: Partial<NewRequestRow>): Promise<void> {
  await tx.update(contentRequests).set({ ...set, updatedAt: new Date() }).where(eq(contentRequests.id, id));
}

/** Adds a vote; false when the person had voted already. */
export async function addVote(db: Db | Tx, requestId: string, userId: string): Promise<boolean> {
  const added = await db.insert(requestVotes).values({ requestId, userId }).onConflictDoNothing().returning({ userId: requestVotes.userId });
  return added.length > 0;
}

export async function removeVote(db: Db, requestId: string, userId: string): Promise<void> {
  await db.delete(requestVotes).where(and(eq(requestVotes.requestId, requestId), eq(requestVotes.userId, userId)));
}

export async function votesOn(db: Db | Tx, requestId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(requestVotes).where(eq(requestVotes.requestId, requestId));
  return row?.n ?? 0;
}

/** A merged duplicate's votes join the request it was merged into (one vote per person there). */
export async function moveVotes(tx: Tx, fromId: string, toId: string): Promise<void> {
  await tx.execute(sql`insert into request_votes (request_id, user_id, created_at)
    select ${toId}, user_id, created_at from request_votes where request_id = ${fromId} on conflict do nothing`);
}

/** Who hears how a request ended: everyone who asked or voted, still able to sign in. */
export async function enabledVoters(db: Db | Tx, requestId: string): Promise<string[]> {
  const voters = await db.select({ id: users.id }).from(requestVotes).innerJoin(users, eq(users.id, requestVotes.userId))
    .where(and(eq(requestVotes.requestId, requestId), eq(users.disabled, false)));
  return voters.map((voter) => voter.id);
}

/**
 * Claims the telling of a request's end (done with a live asset or none, or declined), once, whichever process
 * gets there first: the row it claimed, or undefined.
 */
export async function claimAnnouncement(tx: Tx, id: string): Promise<(RequestRow & { assetTitle: string | null }) | undefined> {
  const [claimed] = await tx.update(contentRequests).set({ announcedAt: new Date() })
    .where(and(eq(contentRequests.id, id), isNull(contentRequests.announcedAt), readyToAnnounce)).returning();
  if (!claimed) return undefined;
  const [asset] = claimed.assetId ? await tx.select({ title: assets.title }).from(assets).where(eq(assets.id, claimed.assetId)) : [];
  return { ...claimed, assetTitle: asset?.title ?? null };
}

/** Declined, or done with no asset or a live one: what may be told now. */
const readyToAnnounce = sql`(${contentRequests.status} = 'declined' or (${contentRequests.status} = 'done' and (${contentRequests.assetId} is null
  or exists (select 1 from ${assets} where ${assets.id} = ${contentRequests.assetId} and ${liveForSales()}))))`;

/** Requests ended but not yet told (a done one waits for its asset to be approved). */
export async function unannounced(db: Db): Promise<string[]> {
  const found = await db.select({ id: contentRequests.id }).from(contentRequests)
    .where(and(isNull(contentRequests.announcedAt), isNull(contentRequests.mergedIntoId), readyToAnnounce)).limit(500);
  return found.map((row) => row.id);
}
