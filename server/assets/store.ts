// The asset service's statements: reads and writes of assets, their versions, terms and blobs and the audit log,
// so that service.ts reads as the workflow. Each takes the database or the caller's transaction; none decides a
// rule (who may see what is access/visibility.ts's, who may do what the service's). Reads other domains share —
// versionColumns, termsOf, the asset JSON — are in queries.ts.
import { and, asc, desc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { assets, assetTerms, assetVersions, auditLog, blobs, terms, users } from '../db/schema.ts';
import { VISUALLY_IDENTICAL_BITS } from '../processing/phash.ts';
import { lockBlobContent } from '../storage/blob-collector.ts';
import type { FacetKey } from '../taxonomy/service.ts';
import { versionColumns, type AssetRow, type VersionMeta, type VersionRow } from './queries.ts';

type Conn = Db | Tx;

/** The asset with this id if it meets `condition` (a visibility rule); locked for the transaction when `forUpdate`. */
export async function findAsset(tx: Conn, id: string, condition: SQL | undefined, forUpdate = false): Promise<AssetRow | undefined> {
  const query = tx.select().from(assets).where(and(eq(assets.id, id), condition));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

/** Of these assets, those the condition admits, with the ids of their current and approved versions. */
export async function findVersionIds(db: Conn, ids: string[], condition: SQL | undefined): Promise<Pick<AssetRow, 'id' | 'currentVersionId' | 'approvedVersionId'>[]> {
  if (ids.length === 0) return [];
  return db.select({ id: assets.id, currentVersionId: assets.currentVersionId, approvedVersionId: assets.approvedVersionId })
    .from(assets).where(and(inArray(assets.id, ids), condition));
}

/** The fields that decide who may see these assets (access/visibility.ts VisibilityFields), with their versions. */
export async function findVisibility(db: Conn, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select({
    id: assets.id, status: assets.status, expiresAt: assets.expiresAt, currentVersionId: assets.currentVersionId, approvedVersionId: assets.approvedVersionId,
  }).from(assets).where(inArray(assets.id, ids));
}

/** These assets (those that exist), whole rows. */
export async function findAssets(db: Conn, ids: string[]): Promise<AssetRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(assets).where(inArray(assets.id, ids));
}

/** Assets the condition admits, each with the version given by `versionOf` (a column of assets naming it). */
export async function findWithVersions(db: Conn, ids: string[], condition: SQL | undefined, versionOf: 'current' | 'approved'):
  Promise<{ asset: AssetRow; version: VersionMeta }[]> {
  if (ids.length === 0) return [];
  const versionId = versionOf === 'current' ? assets.currentVersionId : assets.approvedVersionId;
  return db.select({ asset: getTableColumns(assets), version: versionColumns }).from(assets)
    .innerJoin(assetVersions, eq(assetVersions.id, versionId)).where(and(inArray(assets.id, ids), condition));
}

export async function insertAsset(tx: Tx, values: typeof assets.$inferInsert): Promise<AssetRow> {
  const [row] = await tx.insert(assets).values(values).returning();
  return row!;
}

export async function updateAsset(tx: Tx, id: string, set: Partial<AssetRow>): Promise<void> {
  await tx.update(assets).set(set).where(eq(assets.id, id));
}

/**
 * Deletes an asset (its versions, terms and audit entries go with it) and marks the blobs no version uses any
 * more; returns their hashes, for the collector to remove the files after the commit.
 */
export async function deleteAsset(tx: Tx, id: string): Promise<string[]> {
  const shas = (await tx.select({ sha256: assetVersions.sha256 }).from(assetVersions).where(eq(assetVersions.assetId, id))).map((r) => r.sha256);
  await tx.delete(assets).where(eq(assets.id, id));
  if (shas.length === 0) return [];
  // Lock the blob rows (in a fixed order, so two deletes cannot deadlock), then look for other users of the content in a fresh statement.
  await tx.select().from(blobs).where(inArray(blobs.sha256, shas)).orderBy(blobs.sha256).for('update');
  const marked = await tx.update(blobs).set({ unusedSince: new Date() })
    .where(and(inArray(blobs.sha256, shas), sql`not exists (select 1 from ${assetVersions} v where v.sha256 = ${blobs.sha256})`))
    .returning({ sha256: blobs.sha256 });
  return marked.map((blob) => blob.sha256);
}

export type AssetSort = 'updated' | 'created' | 'title';

/** The column a sort orders by, and which way. */
function sortKey(sort: AssetSort): [SQL, 'asc' | 'desc'] {
  return sort === 'title' ? [sql`lower(${assets.title})`, 'asc'] : sort === 'created' ? [sql`${assets.createdAt}`, 'desc'] : [sql`${assets.updatedAt}`, 'desc'];
}

/** The value a page's last row continues from, in the form its cursor keeps (see assetPage). */
export function sortValue(sort: AssetSort, row: AssetRow): string {
  return sort === 'title' ? row.title.toLowerCase() : (sort === 'created' ? row.createdAt : row.updatedAt).toISOString();
}

/** Up to `limit` assets meeting every condition, in the sort's order (ties by id), after the row `after` names. */
export async function assetPage(db: Db, conditions: (SQL | undefined)[], sort: AssetSort, after: { value: string; id: string } | null, limit: number): Promise<AssetRow[]> {
  const [column, direction] = sortKey(sort);
  const where = [...conditions];
  if (after) {
    const typed = sort === 'title' ? sql`${after.value}` : sql`${after.value}::timestamptz`;
    where.push(direction === 'asc' ? sql`(${column}, ${assets.id}) > (${typed}, ${after.id}::uuid)` : sql`(${column}, ${assets.id}) < (${typed}, ${after.id}::uuid)`);
  }
  return db.select().from(assets).where(and(...where))
    .orderBy(direction === 'asc' ? asc(column) : desc(column), direction === 'asc' ? asc(assets.id) : desc(assets.id))
    .limit(limit);
}

export const ownedBy = (userId: string): SQL => eq(assets.ownerId, userId);
export const ofKind = (kind: string): SQL => eq(assets.kind, kind);
/** Tags are stored trimmed and lower-cased. */
export const taggedWith = (tag: string): SQL => sql`${tag.trim().toLowerCase()} = any(${assets.tags})`;

export async function countInReview(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(assets).where(eq(assets.status, 'in_review'));
  return row?.count ?? 0;
}

export async function userName(tx: Conn, userId: string): Promise<string | undefined> {
  const [row] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name;
}

// Versions.

export async function insertVersion(tx: Tx, values: typeof assetVersions.$inferInsert): Promise<VersionRow> {
  const [row] = await tx.insert(assetVersions).values(values).returning();
  return row!;
}

export async function nextVersionNumber(tx: Tx, assetId: string): Promise<number> {
  const [row] = await tx.select({ next: sql<number>`coalesce(max(${assetVersions.number}), 0)::int + 1` })
    .from(assetVersions).where(eq(assetVersions.assetId, assetId));
  return row?.next ?? 1;
}

export async function versionNumber(tx: Conn, versionId: string): Promise<number | undefined> {
  const [row] = await tx.select({ number: assetVersions.number }).from(assetVersions).where(eq(assetVersions.id, versionId));
  return row?.number;
}

/** The one version meeting `condition` (see access/visibility.ts downloadableVersion), without its text. */
export async function findVersion(db: Db, condition: SQL): Promise<VersionMeta | undefined> {
  const [row] = await db.select(versionColumns).from(assetVersions).where(condition);
  return row;
}

/** Every version of an asset, newest first, with who uploaded it; without their texts (megabytes each). */
export async function versionHistory(db: Db, assetId: string): Promise<{ version: VersionMeta; uploader: { id: string; name: string } }[]> {
  const rows = await db.select({ version: versionColumns, uploader: { id: users.id, name: users.name } }).from(assetVersions)
    .innerJoin(users, eq(users.id, assetVersions.uploadedBy))
    .where(eq(assetVersions.assetId, assetId)).orderBy(desc(assetVersions.number));
  return rows;
}

/** Other assets with a version of exactly these bytes (at most five). */
export async function assetsWithFile(db: Db, sha256: string, exceptAssetId: string): Promise<{ id: string; title: string }[]> {
  return db.selectDistinct({ id: assets.id, title: assets.title }).from(assetVersions)
    .innerJoin(assets, eq(assets.id, assetVersions.assetId))
    .where(and(eq(assetVersions.sha256, sha256), sql`${assets.id} <> ${exceptAssetId}`)).limit(5);
}

/** Other assets with an image of other bytes that looks the same (perceptual hashes within VISUALLY_IDENTICAL_BITS; at most five). */
export async function assetsLookingLike(db: Db, phash: string, sha256: string, exceptAssetId: string): Promise<{ id: string; title: string }[]> {
  return db.selectDistinct({ id: assets.id, title: assets.title }).from(assetVersions)
    .innerJoin(assets, eq(assets.id, assetVersions.assetId))
    .where(and(sql`${assetVersions.phash} is not null`, sql`${assets.id} <> ${exceptAssetId}`, sql`${assetVersions.sha256} <> ${sha256}`,
      sql`bit_count(('x' || ${assetVersions.phash})::bit(64) # ('x' || ${phash})::bit(64)) <= ${VISUALLY_IDENTICAL_BITS}`)).limit(5);
}

/**
 * The blob row of a received file, under the content lock that keeps the blob collector from removing the same
 * bytes meanwhile; the upsert takes back a blob marked unused by a delete.
 */
export async function upsertBlob(tx: Tx, sha256: string, size: number): Promise<void> {
  await lockBlobContent(tx, sha256);
  await tx.insert(blobs).values({ sha256, size })
    .onConflictDoUpdate({ target: blobs.sha256, set: { size: sql`excluded.size`, unusedSince: null } });
}

// Terms.

/** Every term of the taxonomy as "facet:slug". */
export async function termKeys(tx: Tx): Promise<Set<string>> {
  return new Set((await tx.select({ facet: terms.facetKey, slug: terms.slug }).from(terms)).map((t) => `${t.facet}:${t.slug}`));
}

/** Takes every term of one facet off an asset. */
export async function removeFacetTerms(tx: Tx, assetId: string, facet: FacetKey): Promise<void> {
  await tx.delete(assetTerms).where(and(eq(assetTerms.assetId, assetId), sql`${assetTerms.termId} in (select id from terms where facet_key = ${facet})`));
}

export async function addAssetTerms(tx: Tx, assetId: string, termIds: string[]): Promise<void> {
  if (termIds.length) await tx.insert(assetTerms).values(termIds.map((termId) => ({ assetId, termId }))).onConflictDoNothing();
}

// Audit log.

export async function insertAudit(tx: Conn, entry: { assetId: string; userId: string; action: string; comment: string | null; detail: Record<string, unknown> | null }): Promise<void> {
  await tx.insert(auditLog).values(entry);
}

/**
 * Whether the user uploaded, created or edited the asset since its last approval (what approving it now makes
 * live): the audit log says.
 */
export async function changedSinceApproval(tx: Tx, assetId: string, userId: string): Promise<boolean> {
  const [authored] = await tx.select({ id: auditLog.id }).from(auditLog).where(and(
    eq(auditLog.assetId, assetId), eq(auditLog.userId, userId), inArray(auditLog.action, ['created', 'updated', 'version_added']),
    sql`${auditLog.id} > coalesce((select max(a.id) from ${auditLog} a where a.asset_id = ${assetId} and a.action = 'approved'), 0)`,
  )).limit(1);
  return !!authored;
}

/** An asset's audit entries, newest first, with who made each (null once their account is gone). */
export async function auditEntries(db: Db, assetId: string) {
  return db.select({ entry: auditLog, user: { id: users.id, name: users.name } }).from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.userId)).where(eq(auditLog.assetId, assetId)).orderBy(desc(auditLog.at), desc(auditLog.id));
}
