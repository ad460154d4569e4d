// The short form of an asset that every report row carries (title, kind, owner, persona and stage, thumbnail),
// read for a page of rows at a time: report statements return ids and figures only.
import { eq, inArray } from 'drizzle-orm';
import type { Kind } from '../assets/file-type.ts';
import { termsOf } from '../assets/queries.ts';
import type { Db } from '../db/client.ts';
import { assets, assetVersions, users } from '../db/schema.ts';

export interface ReportAsset {
  id: string;
  title: string;
  kind: Kind;
  owner: { id: string; name: string };
  personas: string[];
  stages: string[];
  /** The live (approved) version's thumbnail, null while it has none. */
  thumbnailUrl: string | null;
}

/** The assets' short forms by id (ids not found are left out); a few queries, whatever the number of ids. */
export async function reportAssets(db: Db, ids: string[]): Promise<Map<string, ReportAsset>> {
  if (ids.length === 0) return new Map();
  const [rowList, termMap] = await Promise.all([
    db.select({
      id: assets.id, title: assets.title, kind: assets.kind, ownerId: assets.ownerId, ownerName: users.name,
      previewStatus: assetVersions.previewStatus, versionNumber: assetVersions.number,
    }).from(assets).innerJoin(users, eq(users.id, assets.ownerId)).leftJoin(assetVersions, eq(assetVersions.id, assets.approvedVersionId))
      .where(inArray(assets.id, ids)),
    termsOf(db, ids),
  ]);
  return new Map(rowList.map((row) => [row.id, {
    id: row.id, title: row.title, kind: row.kind as Kind, owner: { id: row.ownerId, name: row.ownerName },
    personas: termMap.get(row.id)?.personas ?? [], stages: termMap.get(row.id)?.stages ?? [],
    thumbnailUrl: row.previewStatus === 'ready' ? `/api/assets/${row.id}/thumbnail?v=${row.versionNumber}` : null,
  }]));
}

/** A report row with its asset's short form in place of the asset's id. */
export type WithAsset<Row extends { assetId: string }> = Omit<Row, 'assetId'> & { asset: ReportAsset };

/** Rows with their asset's short form, in the rows' order (a row whose asset vanished meanwhile is dropped). */
export async function withAssets<Row extends { assetId: string }>(db: Db, list: Row[]): Promise<WithAsset<Row>[]> {
  const refs = await reportAssets(db, list.map((row) => row.assetId));
  return list.flatMap(({ assetId, ...rest }) => {
    const asset = refs.get(assetId);
    return asset ? [{ ...rest, asset }] : [];
  });
}
