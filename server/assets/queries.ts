import { and, eq, inArray, isNotNull, ne, or, gt, isNull, sql, type SQL } from 'drizzle-orm';
import { hasRole, type CurrentUser } from '../auth/roles.ts';
import type { Db, Tx } from '../db/client.ts';
import { assets, assetTerms, assetVersions, terms, users } from '../db/schema.ts';
import type { FacetKey } from '../taxonomy/service.ts';
import type { AssetJson } from './schemas.ts';

export type AssetRow = typeof assets.$inferSelect;
export type VersionRow = typeof assetVersions.$inferSelect;

/**
 * What sales may see: an approved version exists, the asset is not archived and not expired.
 * The one place this rule lives; lists, detail, downloads and (later) search all use it.
 */
export function liveForSales(now: SQL = sql`now()`): SQL {
  return and(isNotNull(assets.approvedVersionId), ne(assets.status, 'archived'), or(isNull(assets.expiresAt), gt(assets.expiresAt, now)))!;
}

/** Sales see live assets only; marketing and up see everything. */
export function visibleTo(user: CurrentUser): SQL | undefined {
  return hasRole(user, 'marketing') ? undefined : liveForSales();
}

/** Sales get the approved version; everyone else the newest one. */
export function shownVersionId(user: CurrentUser, row: AssetRow): string | null {
  return hasRole(user, 'marketing') ? row.currentVersionId : row.approvedVersionId;
}

const FACET_FIELD: Record<Exclude<FacetKey, 'language'>, 'personas' | 'stages' | 'products' | 'industries'> = {
  persona: 'personas', stage: 'stages', product: 'products', industry: 'industries',
};

type TermLists = Pick<AssetJson, 'personas' | 'stages' | 'products' | 'industries' | 'language'>;

export async function termsOf(db: Db | Tx, assetIds: string[]): Promise<Map<string, TermLists>> {
  const result = new Map<string, TermLists>();
  for (const id of assetIds) result.set(id, { personas: [], stages: [], products: [], industries: [], language: null });
  if (assetIds.length === 0) return result;
  const rows = await db.select({ assetId: assetTerms.assetId, facet: terms.facetKey, slug: terms.slug }).from(assetTerms)
    .innerJoin(terms, eq(terms.id, assetTerms.termId)).where(inArray(assetTerms.assetId, assetIds))
    .orderBy(terms.facetKey, terms.position);
  for (const row of rows) {
    const lists = result.get(row.assetId)!;
    if (row.facet === 'language') lists.language = row.slug;
    else lists[FACET_FIELD[row.facet as keyof typeof FACET_FIELD]]?.push(row.slug);
  }
  return result;
}

/** Turns asset rows into the API's asset JSON with three queries, whatever the number of rows. */
export async function assetJson(db: Db | Tx, user: CurrentUser, rows: AssetRow[]): Promise<AssetJson[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const versionIds = rows.flatMap((r) => [shownVersionId(user, r), r.approvedVersionId]).filter((v): v is string => !!v);
  const [termMap, versionRows, ownerRows] = await Promise.all([
    termsOf(db, ids),
    db.select().from(assetVersions).where(inArray(assetVersions.id, [...new Set(versionIds)])),
    db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...new Set(rows.map((r) => r.ownerId))])),
  ]);
  const versions = new Map(versionRows.map((v) => [v.id, v]));
  const owners = new Map(ownerRows.map((o) => [o.id, o]));
  const sales = !hasRole(user, 'marketing');
  return rows.map((row) => {
    const version = versions.get(shownVersionId(user, row)!)!;
    return {
      id: row.id,
      title: row.title,
      description: row.description,
      kind: row.kind as AssetJson['kind'],
      // Sales only ever see the approved state of what they are shown.
      status: sales ? 'approved' : row.status,
      tags: row.tags,
      ...termMap.get(row.id)!,
      owner: owners.get(row.ownerId) ?? { id: row.ownerId, name: 'unknown' },
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      approvedAt: row.approvedAt?.toISOString() ?? null,
      expiresAt: row.expiresAt?.toISOString() ?? null,
      version: versionJson(version),
      approvedVersion: row.approvedVersionId ? versions.get(row.approvedVersionId)?.number ?? null : null,
      preview: { status: version.previewStatus, error: version.previewError },
      thumbnailUrl: version.previewStatus === 'ready' ? `/api/assets/${row.id}/thumbnail?v=${version.number}` : null,
      downloadUrl: `/api/assets/${row.id}/download`,
    };
  });
}

export function versionJson(v: VersionRow): AssetJson['version'] {
  return {
    number: v.number, filename: v.filename, mimeType: v.mimeType, size: v.size, sha256: v.sha256,
    pages: v.pages, width: v.width, height: v.height, durationSec: v.durationSec, createdAt: v.createdAt.toISOString(),
  };
}

/** Assets carrying any of the given slugs in one facet. */
export function hasTerm(facet: FacetKey, slug: string): SQL {
  return sql`exists (select 1 from ${assetTerms} at join ${terms} t on t.id = at.term_id
    where at.asset_id = ${assets.id} and t.facet_key = ${facet} and t.slug = ${slug})`;
}
