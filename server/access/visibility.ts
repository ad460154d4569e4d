// Who sees which asset, and which version of it: the one answer to "may this principal see this asset". Lists,
// counts, facets, details, downloads, the asset JSON, usage reports and the search index all ask here; no service
// inspects a role to decide what to show. (What a principal may *do* — approve, delete, edit — stays with the guards
// and the services.)
//
// The rule: staff (marketing and up) see every asset as it is now. Sales see an asset while it is live — it has an
// approved version, is not archived and has not expired — and then see that approved version, as approved. The rule
// is written three ways, each for where it runs: as SQL (liveForSales), per asset in memory (mayView), and split in
// two for the search index, which keeps the sales version when it indexes (salesVersionId) and checks expiry when
// it is asked (unexpired). test/unit/access-visibility.test.ts holds the three against each other.
import { and, eq, gt, inArray, isNotNull, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { AssetRow } from '../assets/queries.ts';
import type { Status } from '../assets/schemas.ts';
import { principalOf, type Principal } from '../auth/principal.ts';
import type { CurrentUser } from '../auth/roles.ts';
import { assets, assetVersions } from '../db/schema.ts';

/** Who is looking: a request's principal, or a signed-in user as the services know them. */
export type Viewer = Principal | CurrentUser;

/** Sales search live assets as approved; staff (marketing and up) search everything as it is now. */
export type Audience = 'staff' | 'sales';

const principal = (viewer: Viewer): Principal => ('kind' in viewer ? viewer : principalOf(viewer));

/** Which of the search index's two audiences this viewer searches as (a share-link visitor: as sales). */
export function audienceOf(viewer: Viewer): Audience {
  return principal(viewer).kind === 'staff' ? 'staff' : 'sales';
}

/** Whether the viewer sees assets as they are now (status, proposals, every version), not only as approved. */
export function seesWorkInProgress(viewer: Viewer): boolean {
  return audienceOf(viewer) === 'staff';
}

/** The part of an asset row the rule reads. */
export type VisibilityFields = Pick<AssetRow, 'id' | 'status' | 'approvedVersionId' | 'expiresAt'>;

/** Live for sales, as SQL: an approved version exists, the asset is not archived and not expired at `now`. */
export function liveForSales(now: Date | SQL = sql`now()`): SQL {
  return and(isNotNull(assets.approvedVersionId), ne(assets.status, 'archived'), or(isNull(assets.expiresAt), gt(assets.expiresAt, now)))!;
}

/** The condition on `assets` of everything the viewer may see (undefined: everything); lists, counts and details use it. */
export function visibleTo(viewer: Viewer, now?: Date): SQL | undefined {
  const who = principal(viewer);
  if (who.kind === 'staff') return undefined;
  if (who.kind === 'share') return and(liveForSales(now), who.assetIds.length ? inArray(assets.id, who.assetIds) : sql`false`);
  return liveForSales(now);
}

/** A status filter as the viewer sees statuses: sales are shown every asset as approved, so only that filter finds any. */
export function statusCondition(viewer: Viewer, status: Status): SQL | undefined {
  if (seesWorkInProgress(viewer)) return eq(assets.status, status);
  return status === 'approved' ? undefined : sql`false`;
}

/** The version sales get, whatever the time: the approved one while the asset is not archived; expiry is apart (unexpired). */
export function salesVersionId(row: Pick<AssetRow, 'status' | 'approvedVersionId'>): string | null {
  return row.status === 'archived' ? null : row.approvedVersionId;
}

/** Whether an expiry (epoch ms, null for none) has not passed at `now`; the search index asks this at query time. */
export function unexpired(expiresAt: number | null, now: number): boolean {
  return expiresAt === null || expiresAt > now;
}

/** liveForSales for one asset in memory, at `now` (epoch ms): what sales, share links and pitch kits show. */
export function isLive(row: VisibilityFields, now: number): boolean {
  return salesVersionId(row) !== null && unexpired(row.expiresAt?.getTime() ?? null, now);
}

/** visibleTo for one asset in memory, at `now` (epoch ms). */
export function mayView(viewer: Viewer, row: VisibilityFields, now: number): boolean {
  const who = principal(viewer);
  if (who.kind === 'staff') return true;
  if (who.kind === 'share' && !who.assetIds.includes(row.id)) return false;
  return isLive(row, now);
}

/** The version the viewer is shown of an asset they may see: staff the newest, everyone else the approved one. */
export function shownVersionId(viewer: Viewer, row: Pick<AssetRow, 'currentVersionId' | 'approvedVersionId'>): string | null {
  return seesWorkInProgress(viewer) ? row.currentVersionId : row.approvedVersionId;
}

/** The status the viewer is shown: sales only ever see the approved state of what they are shown. */
export function shownStatus(viewer: Viewer, row: Pick<AssetRow, 'status'>): Status {
  return seesWorkInProgress(viewer) ? row.status : 'approved';
}

/**
 * The condition on `asset_versions` of the version the viewer may download of an asset they may see: the shown one,
 * or the one numbered `number` — any of them for staff, only the approved one for everyone else.
 */
export function downloadableVersion(viewer: Viewer, asset: Pick<AssetRow, 'id' | 'currentVersionId' | 'approvedVersionId'>, number?: number): SQL {
  if (number === undefined) return eq(assetVersions.id, shownVersionId(viewer, asset)!);
  return seesWorkInProgress(viewer)
    ? and(eq(assetVersions.assetId, asset.id), eq(assetVersions.number, number))!
    : and(eq(assetVersions.id, asset.approvedVersionId!), eq(assetVersions.number, number))!;
}

/** Whether what the viewer does with an asset counts as use in reports: staff managing content does not; sales and visitors do. */
export function countsAsUse(viewer: Viewer | null): boolean {
  return !viewer || !seesWorkInProgress(viewer);
}
