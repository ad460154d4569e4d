// What the reports count, written once: which events are a use and which an opening, what a use is counted as,
// which searches count, and the SQL pieces every report file builds on (where usage is read from is source.ts).
// The statements are plain SQL over the unaliased tables (usage_events, search_log, assets), so each report reads,
// and EXPLAINs, on its own.
import { sql, type SQL } from 'drizzle-orm';
import { liveForSales } from '../access/visibility.ts';
import { hasTerm } from '../assets/queries.ts';
import { EVENT_KINDS, USE_KINDS, type UsageKind } from '../usage/uses.ts';
import type { CellFilter, ReportWindow } from './window.ts';

/** The rollup's columns, one per kind of event (named as the kinds). */
export const EVENT_KIND_COLUMNS = EVENT_KINDS.join(', ');
/** Per group of usage_events, the events of each kind, named as the kinds: the rollup's columns, as the raw rows give them. */
export const eventCountsByKind = sql.join(
  EVENT_KINDS.map((kind) => sql`(count(*) filter (where usage_events.kind = ${kind}))::int as ${sql.identifier(kind)}`), sql`, `);

// What a use is belongs to usage (usage/uses.ts); the reports re-export it for their files.
export { EVENT_KINDS, OPEN_KINDS, SHARE_KINDS, USE_KINDS } from '../usage/uses.ts';
export type EventKind = (typeof EVENT_KINDS)[number];

/** An asset expiring this soon is flagged for it first (unused reason, hint): extending or retiring it is the decision. */
export const EXPIRING_WITHIN_DAYS = 30;

/** `kind in (…)` for one of the lists above (constants, so written as literals). */
export function kindIn(kinds: readonly UsageKind[]): SQL {
  return sql.raw(`usage_events.kind in (${kinds.map((k) => `'${k}'`).join(', ')})`);
}

const timestamp = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/** `column` falls in the window: after its start, up to its end. */
export function within(column: SQL, window: ReportWindow): SQL {
  return sql`${column} > ${timestamp(window.from)} and ${column} <= ${timestamp(window.to)}`;
}

/**
 * When the asset was last used, ever (epoch ms, null for never). PostgreSQL reads max() backwards along
 * usage_events(asset_id, at) and stops at the first use; written as `order by at desc limit 1` instead, it was
 * planned along usage_events(at) over every asset's events (minutes at a million events).
 */
export function lastUseOf(assetId: SQL): SQL {
  return epochMs(sql`(select max(usage_events.at) from usage_events
    where usage_events.asset_id = ${assetId} and usage_events.counted and ${kindIn(USE_KINDS)})`);
}

/**
 * Searches the reports count, in the window: by sales (search_log.counted, set through access's countsAsUse), with
 * words or filters — an empty browse (the home page) is not a search.
 */
export function countedSearchesIn(window: ReportWindow): SQL {
  return sql`${countedSearch} and ${within(sql`search_log.at`, window)}`;
}

/** A search the reports count, at any time (countedSearchesIn). */
export const countedSearch = sql`search_log.counted and (search_log.query <> '' or search_log.filters <> '{}'::jsonb)`;

/** Live at the window's end, as access/visibility.ts says (the one place the rule is written). */
export function liveAt(window: ReportWindow): SQL {
  return liveForSales(window.to);
}

/** Assets tagged with the cell's persona and stage (either may be absent); on the unaliased `assets`. */
export function assetInCell(cell: CellFilter): SQL {
  const conditions = [cell.persona ? hasTerm('persona', cell.persona) : null, cell.stage ? hasTerm('stage', cell.stage) : null].filter((c) => c !== null);
  return conditions.length ? sql.join(conditions, sql` and `) : sql`true`;
}

/** Searches whose filters name the cell's persona and stage (either may be absent); on the unaliased `search_log`. */
export function searchInCell(cell: CellFilter): SQL {
  const named = (facet: string, slug: string) => sql`search_log.filters -> ${facet}::text @> jsonb_build_array(${slug}::text)`;
  const conditions = [cell.persona ? named('persona', cell.persona) : null, cell.stage ? named('stage', cell.stage) : null].filter((c) => c !== null);
  return conditions.length ? sql.join(conditions, sql` and `) : sql`true`;
}

/** A timestamp as epoch milliseconds: a plain number on both drivers, which return timestamps as text of their own. */
export function epochMs(expression: SQL): SQL {
  return sql`(extract(epoch from ${expression}) * 1000)::float8`;
}

export const dateOf = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

// Report statements cast counts to int and times to epochMs, so both drivers give the same JavaScript values.
export { rows } from '../db/rows.ts';
