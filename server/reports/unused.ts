// Unused: live assets sales did not use in the window, oldest first, each with why — expiring, never shown in a
// search, shown but never opened, or opened but never used. One statement for the figures, the reason in code.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import {
  assetInCell, countedUsage, dateOf, epochMs, EXPIRING_WITHIN_DAYS, lastUseOf, liveAt, rows, shownInSearches, type UsageSource,
} from './measures.ts';
import { expiresPhrase, plural } from './wording.ts';
import { addDays, daysBetween, type CellFilter, type ReportWindow } from './window.ts';

export const UNUSED_REASONS = ['expiring', 'never_shown', 'shown_not_opened', 'opened_not_used'] as const;
export type UnusedReason = (typeof UNUSED_REASONS)[number];

export interface UnusedAsset {
  assetId: string;
  approvedAt: Date;
  daysLive: number;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  reason: UnusedReason;
  reasonText: string;
}

interface UnusedRow {
  id: string; approved_at: number; expires_at: number | null; last_used_at: number | null;
  shown: number; opens: number; openers: number; total: number;
}

/**
 * Live, unused assets of the cell (all cells without one), oldest approval first: `limit` of them (all without) and
 * how many there are. lastUsedAt is the last counted use ever, before the window.
 */
export async function unusedAssets(db: Db, source: UsageSource, cell: CellFilter, page: { limit?: number } = {}):
  Promise<{ items: UnusedAsset[]; total: number }> {
  const { window } = source;
  const list = await rows<UnusedRow>(db, sql`
    with usage as (
      select usage.asset_id, bool_or(usage.used) as used, sum(usage.opens)::int as opens,
        (count(distinct usage.user_id) filter (where usage.opens > 0))::int as openers
      from ${countedUsage(source)} group by usage.asset_id)
    select assets.id, ${epochMs(sql`coalesce(assets.approved_at, assets.created_at)`)} as approved_at, ${epochMs(sql`assets.expires_at`)} as expires_at,
      ${lastUseOf(sql`assets.id`)} as last_used_at,
      coalesce(shown.shown, 0) as shown, coalesce(usage.opens, 0) as opens, coalesce(usage.openers, 0) as openers,
      (count(*) over ())::int as total
    from assets
    left join ${shownInSearches(source)} as shown on shown.asset_id = assets.id
    left join usage on usage.asset_id = assets.id
    where ${liveAt(window)} and ${assetInCell(cell)} and not coalesce(usage.used, false)
    order by coalesce(assets.approved_at, assets.created_at), assets.id
    ${page.limit === undefined ? sql`` : sql`limit ${page.limit}`}`);
  return { items: list.map((row) => unusedAsset(row, window)), total: list[0]?.total ?? 0 };
}

function unusedAsset(row: UnusedRow, window: ReportWindow): UnusedAsset {
  const approvedAt = new Date(row.approved_at);
  const expiresAt = dateOf(row.expires_at);
  const { reason, reasonText } = whyUnused(row, expiresAt, window);
  return { assetId: row.id, approvedAt, daysLive: daysBetween(approvedAt, window.to), lastUsedAt: dateOf(row.last_used_at), expiresAt, reason, reasonText };
}

/** The first reason that holds, and the sentence the dashboard shows. */
export function whyUnused(figures: { shown: number; opens: number; openers: number }, expiresAt: Date | null, window: ReportWindow):
  { reason: UnusedReason; reasonText: string } {
  if (expiresAt && expiresAt <= addDays(window.to, EXPIRING_WITHIN_DAYS)) {
    return { reason: 'expiring', reasonText: `${expiresPhrase(expiresAt, window.to)}, not used in the last ${plural(window.days, 'day')}` };
  }
  // Opened is opened however it was found (a colleague's link, the home page): it was seen, and not used.
  if (figures.opens === 0) {
    if (figures.shown === 0) return { reason: 'never_shown', reasonText: `Not shown in any search in the last ${plural(window.days, 'day')}` };
    return { reason: 'shown_not_opened', reasonText: `Shown in ${plural(figures.shown, 'search', 'searches')}, never opened` };
  }
  return {
    reason: 'opened_not_used',
    // Share-link visitors are nobody in particular: "by N people" counts signed-in sales only.
    reasonText: `Opened ${plural(figures.opens, 'time')}${figures.openers ? ` by ${plural(figures.openers, 'person', 'people')}` : ''}, never downloaded, shared or presented`,
  };
}
