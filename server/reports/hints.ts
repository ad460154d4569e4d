// Retire and refresh hints: live assets that expire soon, whose use fell sharply against the window before, or
// that have been live a long time without a use. One statement; the hint is chosen here.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { dateOf, epochMs, EXPIRING_WITHIN_DAYS, liveAt, rows } from './measures.ts';
import { previousSource, usesPerAsset, type UsageSource } from './source.ts';
import { expiresPhrase, plural } from './wording.ts';
import { addDays, daysBetween, type ReportWindow } from './window.ts';

export const HINT_KINDS = ['expiring', 'dropped', 'retire'] as const;
export type HintKind = (typeof HINT_KINDS)[number];
/** Live this long with no use in the window: a candidate for retiring. */
export const RETIRE_AFTER_DAYS = 90;
/** Dropped: uses fell to half or less of the window before, which had at least this many (fewer is noise). */
export const DROPPED_MIN_BEFORE = 4;

export interface Hint {
  assetId: string;
  hint: HintKind;
  text: string;
  expiresAt: Date | null;
  daysLive: number;
  usesNow: number;
  usesBefore: number;
}

interface HintRow { id: string; approved_at: number; expires_at: number | null; uses_now: number; uses_before: number; total: number }

/**
 * One hint per asset, the first that holds of expiring, dropped, retire; listed in that order, the most urgent first
 * in each (expiring soonest, fallen furthest, live longest): `limit` of them (all without) and how many there are.
 */
export async function hints(db: Db, source: UsageSource, page: { limit?: number } = {}): Promise<{ items: Hint[]; total: number }> {
  const { window } = source;
  const before = await previousSource(db, source);
  const expiringBy = sql`${addDays(window.to, EXPIRING_WITHIN_DAYS).toISOString()}::timestamptz`;
  const list = await rows<HintRow>(db, sql`
    with live as (
      select assets.id, coalesce(assets.approved_at, assets.created_at) as approved_at, assets.expires_at from assets where ${liveAt(window)}),
    figures as (
      select live.*, coalesce(now_uses.uses, 0) as uses_now, coalesce(before_uses.uses, 0) as uses_before from live
      left join ${usesPerAsset(source)} as now_uses on now_uses.asset_id = live.id
      left join ${usesPerAsset(before)} as before_uses on before_uses.asset_id = live.id),
    hinted as (
      select figures.*, case
        when expires_at <= ${expiringBy} then 0
        when uses_before >= ${DROPPED_MIN_BEFORE} and uses_now * 2 <= uses_before then 1
        when uses_now = 0 and approved_at <= ${addDays(window.to, -RETIRE_AFTER_DAYS).toISOString()}::timestamptz then 2
      end as rank
      from figures)
    select id, ${epochMs(sql`approved_at`)} as approved_at, ${epochMs(sql`expires_at`)} as expires_at, uses_now, uses_before,
      (count(*) over ())::int as total
    from hinted where rank is not null
    order by rank, case rank
      when 0 then extract(epoch from expires_at)
      when 1 then uses_now - uses_before
      else -floor(extract(epoch from (${window.to.toISOString()}::timestamptz - approved_at)) / 86400) end, id
    ${page.limit === undefined ? sql`` : sql`limit ${page.limit}`}`);
  return { items: list.map((row) => hintFor(row, window)), total: list[0]?.total ?? 0 };
}

function hintFor(row: HintRow, window: ReportWindow): Hint {
  const approvedAt = new Date(row.approved_at);
  const expiresAt = dateOf(row.expires_at);
  const daysLive = daysBetween(approvedAt, window.to);
  const figures = { assetId: row.id, expiresAt, daysLive, usesNow: row.uses_now, usesBefore: row.uses_before };
  const last = `the last ${plural(window.days, 'day')}`;
  if (expiresAt && expiresAt <= addDays(window.to, EXPIRING_WITHIN_DAYS)) {
    return { ...figures, hint: 'expiring', text: `${expiresPhrase(expiresAt, window.to)}; ${plural(row.uses_now, 'use')} in ${last}` };
  }
  if (row.uses_before >= DROPPED_MIN_BEFORE && row.uses_now * 2 <= row.uses_before) {
    return { ...figures, hint: 'dropped', text: `Uses fell from ${row.uses_before} to ${row.uses_now}: ${last} against the ${plural(window.days, 'day')} before` };
  }
  return { ...figures, hint: 'retire', text: `Live for ${plural(daysLive, 'day')}, not used in ${last}` };
}
