// SQL for feedback: writing it, listing an asset's, and counting each person's latest word per asset.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/rows.ts';
import { assetFeedback, users } from '../db/schema.ts';

export type FeedbackRow = typeof assetFeedback.$inferSelect;
export type NewFeedbackRow = typeof assetFeedback.$inferInsert;

export async function insertFeedback(db: Db, row: NewFeedbackRow): Promise<FeedbackRow> {
  const [inserted] = await db.insert(assetFeedback).values(row).returning();
  return inserted!;
}

/** An asset's feedback, newest first, with who gave it. */
export async function feedbackOf(db: Db, assetId: string, limit: number) {
  return db.select({ feedback: assetFeedback, userName: users.name }).from(assetFeedback)
    .leftJoin(users, eq(users.id, assetFeedback.userId))
    .where(eq(assetFeedback.assetId, assetId)).orderBy(desc(assetFeedback.createdAt), desc(assetFeedback.id)).limit(limit);
}

export async function latestFeedbackBy(db: Db, assetId: string, userId: string): Promise<FeedbackRow | undefined> {
  const [row] = await db.select().from(assetFeedback).where(and(eq(assetFeedback.assetId, assetId), eq(assetFeedback.userId, userId)))
    .orderBy(desc(assetFeedback.createdAt), desc(assetFeedback.id)).limit(1);
  return row;
}

/**
 * Per asset, the people whose latest feedback (given since `since`, when set) says it helped, and didn't. A removed
 * person's feedback (no user any more) counts once per feedback.
 */
export async function feedbackCounts(db: Db, assetIds: string[], since?: Date): Promise<Map<string, { helpful: number; notHelpful: number }>> {
  if (assetIds.length === 0) return new Map();
  const counted = await rows<{ asset_id: string; helpful: number; not_helpful: number }>(db, sql`
    select asset_id, (count(*) filter (where helpful))::int as helpful, (count(*) filter (where not helpful))::int as not_helpful
    from (select distinct on (asset_id, coalesce(user_id, id)) asset_id, helpful from asset_feedback
      where asset_id = any(${`{${assetIds.join(',')}}`}::uuid[]) ${since ? sql`and created_at >= ${since.toISOString()}::timestamptz` : sql``}
      order by asset_id, coalesce(user_id, id), created_at desc, id desc) as latest
    group by asset_id`);
  return new Map(counted.map((row) => [row.asset_id, { helpful: row.helpful, notHelpful: row.not_helpful }]));
}
