// Reads other domains share (the version columns without the text, an asset's terms) and the asset's API JSON,
// shaped for the viewer by access/visibility.ts. The asset service's own statements are in store.ts.
import { eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import { seesWorkInProgress, shownStatus, shownVersionId, type Viewer } from '../access/visibility.ts';
import type { Db, Tx } from '../db/client.ts';
import { assets, assetTerms, assetVersions, terms, users } from '../db/schema.ts';
import type { FacetKey } from '../taxonomy/service.ts';
import { metadataChanges, storedValues } from './changes.ts';
import { fileProblem } from './file-problem.ts';
import type { AssetJson } from './schemas.ts';
import { previewShape } from '../processing/preview-pages.ts';

export type AssetRow = typeof assets.$inferSelect;
export type VersionRow = typeof assetVersions.$inferSelect;
/**
 * A version without its extracted text and the text's search terms, which can run to megabytes and are read only
 * to index it or cut a snippet.
 */
export type VersionMeta = Omit<VersionRow, 'text' | 'searchTerms'>;
const { text: _text, searchTerms: _searchTerms, ...versionMetaColumns } = getTableColumns(assetVersions);
/** Select these, not every column, wherever the text is not needed. */
export const versionColumns = versionMetaColumns;

const FACET_FIELD: Record<Exclude<FacetKey, 'language'>, 'personas' | 'stages' | 'products' | 'industries'> = {
  persona: 'personas', stage: 'stages', product: 'products', industry: 'industries',
};

export type TermLists = Pick<AssetJson, 'personas' | 'stages' | 'products' | 'industries' | 'language'>;

export const noTerms = (): TermLists => ({ personas: [], stages: [], products: [], industries: [], language: null });

/** Taxonomy slugs per asset, in facet order and, within a facet, in the taxonomy's order. */
export async function termsOf(db: Db | Tx, assetIds: string[]): Promise<Map<string, TermLists>> {
  const result = new Map<string, TermLists>();
  for (const id of assetIds) result.set(id, noTerms());
  if (assetIds.length === 0) return result;
  const rows = await db.select({ assetId: assetTerms.assetId, facet: terms.facetKey, slug: terms.slug }).from(assetTerms)
    .innerJoin(terms, eq(terms.id, assetTerms.termId)).where(inArray(assetTerms.assetId, assetIds))
    .orderBy(terms.facetKey, terms.position);
  for (const row of rows) addTerm(result.get(row.assetId)!, row.facet as FacetKey, row.slug);
  return result;
}

/** Adds one slug to an asset's term lists (rows must come in facet, then taxonomy order). */
export function addTerm(lists: TermLists, facet: FacetKey, slug: string): void {
  if (facet === 'language') lists.language = slug;
  else lists[FACET_FIELD[facet]].push(slug);
}

/** What an asset's JSON needs beside its row: its terms, owner and the versions the row points at. */
export interface AssetJsonParts {
  terms: TermLists;
  owner: { id: string; name: string } | undefined;
  /** By id; at least the versions shownVersionId and approvedVersionId name. */
  versions: Map<string, VersionMeta>;
}

/** Turns asset rows into the API's asset JSON with three queries, whatever the number of rows. */
export async function assetJson(db: Db | Tx, viewer: Viewer, rows: AssetRow[]): Promise<AssetJson[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const versionIds = rows.flatMap((r) => [shownVersionId(viewer, r), r.approvedVersionId]).filter((v): v is string => !!v);
  const [termMap, versionRows, ownerRows] = await Promise.all([
    termsOf(db, ids),
    db.select(versionColumns).from(assetVersions).where(inArray(assetVersions.id, [...new Set(versionIds)])),
    db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...new Set(rows.map((r) => r.ownerId))])),
  ]);
  const versions = new Map(versionRows.map((v) => [v.id, v]));
  const owners = new Map(ownerRows.map((o) => [o.id, o]));
  return rows.map((row) => toAssetJson(viewer, row, { terms: termMap.get(row.id)!, owner: owners.get(row.ownerId), versions }));
}

/** The API's JSON of one asset as this viewer may see it (sales: its approved version, as approved). */
export function toAssetJson(viewer: Viewer, row: AssetRow, parts: AssetJsonParts): AssetJson {
  const version = parts.versions.get(shownVersionId(viewer, row)!)!;
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    kind: row.kind as AssetJson['kind'],
    status: shownStatus(viewer, row),
    tags: row.tags,
    ...parts.terms,
    owner: parts.owner ?? { id: row.ownerId, name: 'unknown' },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    approvedAt: row.approvedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    version: versionJson(version),
    approvedVersion: row.approvedVersionId ? parts.versions.get(row.approvedVersionId)?.number ?? null : null,
    preview: { status: version.previewStatus, error: version.previewError, ...previewJson(version), problem: fileProblem(version) },
    thumbnailUrl: version.previewStatus === 'ready' ? `/api/assets/${row.id}/thumbnail?v=${version.number}` : null,
    downloadUrl: `/api/assets/${row.id}/download`,
    // Sales never learn what is proposed: the fields above are the approved ones.
    ...(seesWorkInProgress(viewer) ? { pendingChanges: pendingJson(row, parts.terms) } : {}),
  };
}

/** A live asset's edits waiting for review, with each field's approved → proposed change. */
function pendingJson(row: AssetRow, terms: TermLists): AssetJson['pendingChanges'] {
  const pending = row.pendingChanges;
  if (!pending) return null;
  return { ...pending, changes: metadataChanges(storedValues(row, terms), pending.values) };
}

/** How many pages the preview has, and whether its only picture is the small one embedded in the file (not to be enlarged). */
function previewJson(version: VersionMeta) {
  const { source, pages } = previewShape(version);
  return { pages, thumbnailOnly: source === 'thumbnail' };
}

export function versionJson(v: VersionMeta): AssetJson['version'] {
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
