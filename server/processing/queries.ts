// The processing columns of asset_versions (pages … meta, text, search_terms, preview_status, preview_error) are this domain's to
// write; everything else about assets goes through the asset service.
import { and, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { assetVersions } from '../db/schema.ts';
import { usableSearchTerms } from '../search/queries.ts';
import type { Analysis } from './extractors/analysis.ts';

export type VersionToProcess = NonNullable<Awaited<ReturnType<typeof versionToProcess>>>;

export async function versionToProcess(db: Db, versionId: string) {
  const [row] = await db.select({
    id: assetVersions.id, assetId: assetVersions.assetId, sha256: assetVersions.sha256, mimeType: assetVersions.mimeType, filename: assetVersions.filename,
    phash: assetVersions.phash,
  }).from(assetVersions).where(eq(assetVersions.id, versionId));
  return row;
}

/** Another version of the same bytes already processed: its results hold for this one too. */
export async function processedTwin(db: Db, sha256: string, exceptVersionId: string) {
  const [row] = await db.select().from(assetVersions)
    .where(and(eq(assetVersions.sha256, sha256), eq(assetVersions.previewStatus, 'ready'), ne(assetVersions.id, exceptVersionId))).limit(1);
  return row;
}

/** What processing stores of a version: the analysis, and the text's terms for the search index (text-terms.ts). */
export type StoredAnalysis = Omit<Analysis, 'wants'> & { previewPages?: number | null; searchTerms: string | null };

export async function saveAnalysis(db: Db, versionId: string, analysis: StoredAnalysis) {
  await db.update(assetVersions).set({
    pages: analysis.pages, width: analysis.width, height: analysis.height, durationSec: analysis.durationSec,
    text: analysis.text, searchTerms: analysis.searchTerms,
    // The upload computed the same hash already when it could; keep that one.
    phash: analysis.phash ? sql`coalesce(${assetVersions.phash}, ${analysis.phash})` : sql`${assetVersions.phash}`,
    meta: { ...analysis.meta, thumbnail: analysis.thumbnail, preview: analysis.preview, ...(analysis.previewPages ? { previewPages: analysis.previewPages } : {}) },
    previewStatus: 'ready', previewError: null,
  }).where(eq(assetVersions.id, versionId));
}

/**
 * Versions with a text but without search terms in the form the index reads (processed before terms were stored,
 * or by a release whose form differs).
 */
export async function versionsWithoutSearchTerms(db: Db): Promise<string[]> {
  const rows = await db.select({ id: assetVersions.id }).from(assetVersions).where(and(isNotNull(assetVersions.text), sql`${usableSearchTerms} is null`));
  return rows.map((r) => r.id);
}

/** The texts of versions, each with the stamp of the row it was read from (see saveSearchTerms). */
export async function stampedVersionTexts(db: Db, versionIds: string[]) {
  const rows = await db.select({ id: assetVersions.id, text: assetVersions.text, stamp: sql<string>`${assetVersions}.xmin::text` })
    .from(assetVersions).where(and(inArray(assetVersions.id, versionIds), isNotNull(assetVersions.text)));
  return rows.map((row) => ({ ...row, text: row.text! }));
}

/**
 * Stores the search terms worked out from a version's text, unless the row changed since the text was read
 * (processing may have stored a new text, with its own terms, meanwhile). Whether it stored them.
 */
export async function saveSearchTerms(db: Db, versionId: string, stamp: string, searchTerms: string | null): Promise<boolean> {
  const updated = await db.update(assetVersions).set({ searchTerms })
    .where(and(eq(assetVersions.id, versionId), sql`${assetVersions}.xmin::text = ${stamp}`)).returning({ id: assetVersions.id });
  return updated.length > 0;
}

/** `code` (the Unreadable error's, e.g. ENCRYPTED or CORRUPT_FILE) goes into meta.failure, so the asset can say in words what is wrong. */
export async function markFailed(db: Db, versionId: string, reason: string, code = 'FAILED') {
  await db.update(assetVersions).set({
    previewStatus: 'failed', previewError: reason.slice(0, 500),
    meta: sql`coalesce(${assetVersions.meta}, '{}'::jsonb) || jsonb_build_object('failure', ${code}::text)`,
  }).where(eq(assetVersions.id, versionId));
}

/** Version ids to reprocess: all of them, those of some assets, or only the failed ones. */
export async function versionIds(db: Db, selection: { all?: boolean; assetIds?: string[]; failedOnly?: boolean }): Promise<string[]> {
  const conditions = [];
  if (selection.assetIds?.length) conditions.push(inArray(assetVersions.assetId, selection.assetIds));
  else if (!selection.all && !selection.failedOnly) return [];
  if (selection.failedOnly) conditions.push(eq(assetVersions.previewStatus, 'failed'));
  const rows = await db.select({ id: assetVersions.id }).from(assetVersions).where(and(...conditions)).orderBy(assetVersions.createdAt);
  return rows.map((r) => r.id);
}
