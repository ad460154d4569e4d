// Unused: live assets sales did not use in the window, oldest first, each with why — expiring, never shown in a
// search, shown but never opened, or opened but never used. One statement for the figures, the reason in code.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { assetInCell, dateOf, epochMs, EXPIRING_WITHIN_DAYS, lastUseOf, liveAt, rows } from './measures.ts';
import { assetFigures, countedUsage, type UsageSource } from './source.ts';
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
  const list = await rows<Omit<UnusedRow, 'openers'>>(db, sql`
    select assets.id, ${epochMs(sql`coalesce(assets.approved_at, assets.created_at)`)} as approved_at, ${epochMs(sql`assets.expires_at`)} as expires_at,
      ${lastUseOf(sql`assets.id`)} as last_used_at, coalesce(figures.shown, 0) as shown, coalesce(figures.opens, 0) as opens,
      (count(*) over ())::int as total
    from assets left join ${assetFigures(source)} as figures on figures.asset_id = assets.id
    where ${liveAt(window)} and ${assetInCell(cell)} and coalesce(figures.uses, 0) = 0
    order by coalesce(assets.approved_at, assets.created_at), assets.id
    ${page.limit === undefined ? sql`` : sql`limit ${page.limit}`}`);
  // How many people opened them, for the listed ones only: distinct people are not summed per asset in advance.
  const opened = list.filter((row) => row.opens > 0).map((row) => row.id);
  const openers = new Map(opened.length === 0 ? [] : (await rows<{ asset_id: string; openers: number }>(db, sql`
    select usage.asset_id, (count(distinct usage.user_id) filter (where usage.opens > 0))::int as openers
    from ${countedUsage(source, opened)} group by usage.asset_id`)).map((row) => [row.asset_id, row.openers]));
  return { items: list.map((row) => unusedAsset({ ...row, openers: openers.get(row.id) ?? 0 }, window)), total: list[0]?.total ?? 0 };
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
