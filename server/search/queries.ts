// SQL for search: what the index is built from, and the texts for snippets (usage figures and the search log are usage's).
import { and, asc, eq, getTableColumns, gt, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import { salesVersionId } from '../access/visibility.ts';
import { addTerm, noTerms, versionColumns, type AssetRow, type TermLists, type VersionMeta } from '../assets/queries.ts';
import type { Database, Db } from '../db/client.ts';
import { assets, assetTerms, assetVersions, terms, users } from '../db/schema.ts';
import type { FacetKey } from '../taxonomy/service.ts';
import type { DocumentBody } from './document-tokens.ts';
import type { IndexedAsset, IndexedVersion } from './index.ts';
import { TEXT_TERMS_FORMAT } from './text-terms.ts';
import { unitHashes } from './text.ts';

/**
 * What a read brings of each version's text: 'text' the text; 'terms' the terms processing stored (text-terms.ts)
 * and the text only where those are missing or of an older form (the boot build: the index is built from terms,
 * and the texts for snippets follow in the background); 'none' nothing.
 */
export type TextPart = 'text' | 'terms' | 'none';

/** Reads versions' text parts as UTF-8 bytes (see textBytesReader). */
export type TextReader = (versionIds: string[]) => Promise<Map<string, DocumentBody>>;

/** What a search hit's JSON is made of (see toAssetJson), kept beside the index so a page of hits needs no query. */
export interface HitSource { row: AssetRow; terms: TermLists; versions: VersionMeta[] }

/**
 * Assets as the index needs them (metadata, taxonomy terms, the versions each audience gets), what their hits'
 * JSON is made of, and where to page on. Text parts are read as strings, or as bytes through a TextReader (the
 * boot build), or not at all ('none': a catch-up after a snapshot reads 'all' assets to compare fingerprints).
 */
export async function indexedAssets(db: Db, selection: { ids: string[] } | { after: string | null; before?: string; limit: number } | 'all',
  texts: TextPart | TextReader = 'text'):
  Promise<{ assets: IndexedAsset[]; sources: HitSource[]; lastId: string | null }> {
  if (selection === 'all' && texts !== 'none') throw new Error('every asset is read without its text');
  const part = typeof texts === 'function' ? 'none' : texts;
  const assetQuery = db.select({ ...getTableColumns(assets), rowStamp }).from(assets);
  const termQuery = (assetIds: string[] | null) => db.select({ assetId: assetTerms.assetId, facet: terms.facetKey, slug: terms.slug, label: terms.label })
    .from(assetTerms).innerJoin(terms, eq(terms.id, assetTerms.termId)).where(assetIds ? inArray(assetTerms.assetId, assetIds) : undefined)
    .orderBy(terms.facetKey, terms.position);
  const versionQuery = (where: SQL) => db.select({
    ...versionColumns, stamp: textStamp,
    text: part === 'text' ? assetVersions.text : part === 'terms' ? textUnlessTerms : sql<null>`null`,
    terms: part === 'terms' ? usableSearchTerms : sql<null>`null`,
  }).from(assetVersions).where(where);
  const readTexts = typeof texts === 'function' ? texts : null;
  let stamped: Awaited<typeof assetQuery>;
  let termRows: Awaited<ReturnType<typeof termQuery>>;
  let versionRows: Awaited<ReturnType<typeof versionQuery>>;
  let textsRead: Map<string, DocumentBody> | null = null;
  if (selection === 'all') {
    // Whole tables, read side by side (lists of every id would run past PostgreSQL's 65,535 parameters).
    const referenced = sql`${assetVersions.id} in (select ${assets.currentVersionId} from ${assets} union select ${assets.approvedVersionId} from ${assets})`;
    [stamped, termRows, versionRows] = await Promise.all([assetQuery, termQuery(null), versionQuery(referenced)]);
  } else {
    stamped = 'ids' in selection
      ? (selection.ids.length ? await assetQuery.where(inArray(assets.id, selection.ids)) : [])
      : await assetQuery.where(and(selection.after ? gt(assets.id, selection.after) : undefined, selection.before ? lt(assets.id, selection.before) : undefined))
        .orderBy(asc(assets.id)).limit(selection.limit);
    const versionIds = [...new Set(stamped.flatMap((r) => [r.currentVersionId, r.approvedVersionId]).filter((v): v is string => !!v))];
    [termRows, versionRows, textsRead] = await Promise.all([
      termQuery(stamped.map((r) => r.id)),
      versionIds.length ? versionQuery(inArray(assetVersions.id, versionIds)) : [],
      readTexts && versionIds.length ? readTexts(versionIds) : null,
    ]);
  }
  if (stamped.length === 0) return { assets: [], sources: [], lastId: null };
  const termsOf = new Map<string, IndexedAsset['terms']>();
  const listsOf = new Map<string, TermLists>();
  for (const row of termRows) {
    const list = termsOf.get(row.assetId) ?? [];
    list.push({ facet: row.facet as FacetKey, slug: row.slug, label: row.label });
    termsOf.set(row.assetId, list);
    let lists = listsOf.get(row.assetId);
    if (!lists) listsOf.set(row.assetId, lists = noTerms());
    addTerm(lists, row.facet as FacetKey, row.slug);
  }
  const versions = new Map<string, IndexedVersion>();
  const metadata = new Map<string, VersionMeta>();
  for (const { text, terms, stamp, ...meta } of versionRows) {
    const body = textsRead ? textsRead.get(meta.id) ?? { text: null } : { text, terms };
    versions.set(meta.id, { id: meta.id, filename: meta.filename, stamp, ...body });
    metadata.set(meta.id, meta);
  }
  const out: IndexedAsset[] = [];
  const sources: HitSource[] = [];
  for (const { rowStamp, ...row } of stamped) {
    const current = row.currentVersionId ? versions.get(row.currentVersionId) : undefined;
    const approved = row.approvedVersionId ? versions.get(row.approvedVersionId) : undefined;
    const staffVersion = current ?? approved;
    if (!staffVersion) continue;
    // The row's title, description, tags and terms are what sales see: for a live asset the approved ones, an edit
    // waiting for review being kept apart in pending_changes (assets/changes.ts). Both audiences search these, so
    // sales never find an asset by an unapproved title, and staff find it by its live title until the edit is approved.
    const asset = {
      id: row.id, title: row.title, description: row.description, tags: row.tags, kind: row.kind,
      terms: termsOf.get(row.id) ?? [],
      expiresAt: row.expiresAt?.getTime() ?? null,
      freshAt: (row.approvedAt ?? row.updatedAt).getTime(),
      staffVersion,
      // Expiry is not part of it: the index checks that at query time (access/visibility.ts).
      salesVersion: salesVersionId(row) ? approved ?? null : null,
    };
    const termsText = asset.terms.map((t) => `${t.facet}:${t.slug}:${t.label}`).join('\n');
    const fingerprint = [rowStamp, staffVersion.stamp, asset.salesVersion?.stamp, hash64(termsText)].join('/');
    out.push({ ...asset, fingerprint });
    sources.push({
      row, terms: listsOf.get(row.id) ?? noTerms(),
      versions: [...new Set([row.currentVersionId, row.approvedVersionId])].flatMap((id) => (id && metadata.has(id) ? [metadata.get(id)!] : [])),
    });
  }
  return { assets: out, sources, lastId: stamped.at(-1)!.id };
}

/**
 * What changes when a version's text does: its row's transaction stamp (xmin: every update of a row writes a new
 * row version stamped with the writing transaction, so the stamp differs after any committed change) and the
 * text's length (read from the TOAST header, without decompressing the text).
 */
const TEXT_STAMP = `asset_versions.xmin::text || '/' || coalesce(octet_length(asset_versions.text), -1)::text`;
const textStamp = sql<string>`${sql.raw(TEXT_STAMP)}`;

/** Whether a version with this stamp has a text (see textStamp); false for versions made up in tests, which have none. */
export const stampHasText = (stamp: string | undefined) => !!stamp && !stamp.endsWith('/-1');

/** What changes with every update of an asset row: the stamp of the transaction that wrote it (see textStamp). */
const rowStamp = sql<string>`${assets}.xmin::text`;

/** 64 bits of the tokenizer's two hashes over the whole text: enough to tell an asset's old taxonomy labels from new ones. */
function hash64(text: string): string {
  const [h1, h2] = unitHashes(text, text.length);
  return `${(h1 >>> 0).toString(36)}.${(h2 >>> 0).toString(36)}`;
}

const utf8 = new TextDecoder();

// The boot build reads a version's stored search terms when they are of the form it reads (text-terms.ts), and
// its text only when they are not. Plain SQL, used by both the byte reader and the string one (and by processing,
// to find the texts whose terms are still to be stored).
const TERMS_USABLE = `starts_with(search_terms, '${TEXT_TERMS_FORMAT} ')`;
const USABLE_TERMS = `case when ${TERMS_USABLE} then search_terms end`;
const TEXT_UNLESS_TERMS = `case when ${TERMS_USABLE} then null else text end`;
export const usableSearchTerms = sql<string | null>`${sql.raw(USABLE_TERMS)}`;
const textUnlessTerms = sql<string | null>`${sql.raw(TEXT_UNLESS_TERMS)}`;

/**
 * A TextReader that gets text parts as the UTF-8 bytes PostgreSQL sends, never decoded here: the tokenizer
 * threads read the bytes, so the main thread (which keeps answering requests during the boot build) doesn't
 * spend a sixth of its time decoding gigabytes into strings. Null where the driver can't (PGlite).
 */
export function textBytesReader(database: Database, part: Exclude<TextPart, 'none'>): TextReader | null {
  const rawRows = database.rawRows;
  if (!rawRows) return null;
  const columns = part === 'text' ? 'text, null' : `${TEXT_UNLESS_TERMS}, ${USABLE_TERMS}`;
  return async (versionIds) => {
    const rows = await rawRows(`select id, ${columns} from asset_versions where id = any($1::uuid[]) and text is not null`, [versionIds]);
    return new Map(rows.map(([id, text, terms]) => [utf8.decode(id!), { text, terms }]));
  };
}

/**
 * The texts of versions with their stamps, for the text store to keep: as UTF-8 bytes where the driver can give
 * them (it stores bytes), else as strings.
 */
export async function stampedTexts(database: Database, versionIds: string[]): Promise<{ versionId: string; stamp: string; text: string | Uint8Array }[]> {
  if (versionIds.length === 0) return [];
  if (database.rawRows) {
    const rows = await database.rawRows(`select id, ${TEXT_STAMP}, text from asset_versions where id = any($1::uuid[]) and text is not null`, [versionIds]);
    return rows.map(([id, stamp, text]) => ({ versionId: utf8.decode(id!), stamp: utf8.decode(stamp!), text: text! }));
  }
  const rows = await database.db.select({ versionId: assetVersions.id, stamp: textStamp, text: assetVersions.text }).from(assetVersions)
    .where(and(inArray(assetVersions.id, versionIds), isNotNull(assetVersions.text)));
  return rows.map((row) => ({ ...row, text: row.text! }));
}

/** Ids of the assets tagged with one taxonomy term. */
export async function assetsWithTerm(db: Db, facet: FacetKey, slug: string): Promise<string[]> {
  const rows = await db.select({ id: assetTerms.assetId }).from(assetTerms).innerJoin(terms, eq(terms.id, assetTerms.termId))
    .where(and(eq(terms.facetKey, facet), eq(terms.slug, slug)));
  return rows.map((r) => r.id);
}

/** Every user's name by id (a few hundred rows at most). */
export async function ownerNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.select({ id: users.id, name: users.name }).from(users);
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The first `chars` characters of the extracted text of versions, for snippets of hits that matched inside the document. */
export async function versionTexts(db: Db, versionIds: string[], chars: number): Promise<Map<string, string>> {
  if (versionIds.length === 0) return new Map();
  // substr, not left: PostgreSQL then decompresses only the start of a long text, not all of it.
  const rows = await db.select({ id: assetVersions.id, text: sql<string | null>`substr(${assetVersions.text}, 1, ${chars})` })
    .from(assetVersions).where(inArray(assetVersions.id, versionIds));
  return new Map(rows.filter((r) => r.text).map((r) => [r.id, r.text!]));
}
