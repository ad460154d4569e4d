// What the reports count, written once: which events are a use and which an opening, what a use is counted as,
// which searches count, and the SQL pieces every report file builds on. The statements are plain SQL over the
// unaliased tables (usage_events, search_log, assets), so each report reads, and EXPLAINs, on its own.
import { sql, type SQL } from 'drizzle-orm';
import { liveForSales } from '../access/visibility.ts';
import { hasTerm } from '../assets/queries.ts';
import type { Db, Tx } from '../db/client.ts';
import { EVENT_KINDS, OPEN_KINDS, USE_KINDS, type UsageKind } from '../usage/uses.ts';
import { previousWindow, type CellFilter, type ReportWindow } from './window.ts';

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
 * Where a window's counted usage is read from: the daily rollup (rollup.ts) for the whole UTC days inside the
 * window, except days written since they were rolled up (stale), and the raw events for the rest — the window's
 * partial first and last days and the stale days. A day with nothing written has no row, and nothing to read
 * either way. Both give the same rows, so a report reads the same from either.
 */
export interface UsageSource {
  window: ReportWindow;
  /** Whether the rollup may be read (the benchmark reads the raw events alone, to compare). */
  rollup: boolean;
  /** Days read from the rollup: [from, to) (YYYY-MM-DD), except the stale ones; none when from = to. */
  rolled: { from: string; to: string; except: string[] };
  /** The rest of the window, read from the raw rows: half-open [from, to) ranges. */
  rawRanges: { from: Date; to: Date }[];
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function usageSource(db: Db, window: ReportWindow, options: { rollup?: boolean } = {}): Promise<UsageSource> {
  const rollup = options.rollup ?? true;
  // Timestamps are kept to the millisecond, so the window (from, to] is [from + 1 ms, to + 1 ms).
  const start = window.from.getTime() + 1;
  const end = window.to.getTime() + 1;
  // The whole days inside: from the first midnight at or after the start to the last one at or before the end.
  const firstDay = Math.ceil(start / DAY_MS) * DAY_MS;
  const lastDayEnd = Math.max(firstDay, Math.floor(end / DAY_MS) * DAY_MS);
  if (!rollup || firstDay === lastDayEnd) {
    return { window, rollup, rolled: { from: dayOf(firstDay), to: dayOf(firstDay), except: [] }, rawRanges: [{ from: new Date(start), to: new Date(end) }] };
  }
  const stale = (await rows<{ day: string }>(db, sql`
    select to_char(day, 'YYYY-MM-DD') as day from usage_rollup_days
    where stale and day >= ${dayOf(firstDay)}::date and day < ${dayOf(lastDayEnd)}::date order by day`)).map((row) => row.day);
  // Raw: the partial first day, each stale day (adjacent ones merged), the partial last day.
  const rawRanges: { from: Date; to: Date }[] = [];
  const add = (from: number, to: number) => {
    if (from >= to) return;
    const last = rawRanges.at(-1);
    if (last && last.to.getTime() === from) last.to = new Date(to);
    else rawRanges.push({ from: new Date(from), to: new Date(to) });
  };
  add(start, firstDay);
  for (const day of stale) add(Date.parse(`${day}T00:00:00Z`), Date.parse(`${day}T00:00:00Z`) + DAY_MS);
  add(lastDayEnd, end);
  return { window, rollup, rolled: { from: dayOf(firstDay), to: dayOf(lastDayEnd), except: stale }, rawRanges };
}

/** The same reading for the window of the same length just before (hints: use dropped against it). */
export function previousSource(db: Db, source: UsageSource): Promise<UsageSource> {
  return usageSource(db, previousWindow(source.window), { rollup: source.rollup });
}

/** `column` in one of the ranges (false for none). */
function inRanges(column: SQL, ranges: { from: Date; to: Date }[]): SQL {
  if (ranges.length === 0) return sql`false`;
  return sql`(${sql.join(ranges.map((range) => sql`(${column} >= ${timestamp(range.from)} and ${column} < ${timestamp(range.to)})`), sql` or `)})`;
}

/** `day` (of a rollup table) is one of the days read from the rollup. */
function rolledDays({ rolled }: UsageSource): SQL {
  const except = rolled.except.length ? sql` and not (day = any(${`{${rolled.except.join(',')}}`}::date[]))` : sql``;
  return sql`day >= ${rolled.from}::date and day < ${rolled.to}::date${except}`;
}

const kindSum = (kinds: readonly UsageKind[]) => sql.raw(kinds.map((kind) => `usage.${kind}`).join(' + '));

/**
 * The window's counted usage as one row per UTC day, asset and person (share-link visitors: no person), with
 * the events of each kind (columns named as the kinds), `opens` (OPEN_KINDS) and `used` (one of USE_KINDS), as
 * `usage`. A person's repeats on a day are one row, so counting rows with `used` counts uses.
 */
export function countedUsage(source: UsageSource): SQL {
  const parts: SQL[] = [];
  if (source.rolled.from < source.rolled.to) {
    parts.push(sql`select day, asset_id, user_id, ${sql.raw(EVENT_KIND_COLUMNS)} from usage_daily where ${rolledDays(source)}`);
  }
  if (source.rawRanges.length) {
    parts.push(sql`select (usage_events.at at time zone 'UTC')::date as day, usage_events.asset_id, usage_events.user_id,
      ${eventCountsByKind}
      from usage_events where usage_events.counted and ${inRanges(sql`usage_events.at`, source.rawRanges)}
      group by 1, 2, 3`);
  }
  return sql`(select usage.*, ${kindSum(OPEN_KINDS)} as opens, ${kindSum(USE_KINDS)} > 0 as used
    from (${sql.join(parts, sql` union all `)}) as usage) as usage`;
}

/** Per asset, how many counted searches in the window showed it, as `(asset_id, shown)`. */
export function shownInSearches(source: UsageSource): SQL {
  const parts: SQL[] = [];
  if (source.rolled.from < source.rolled.to) {
    parts.push(sql`select asset_id, shown from search_shown_daily where ${rolledDays(source)}`);
  }
  if (source.rawRanges.length) {
    parts.push(sql`select shown_asset.id as asset_id, count(*)::int as shown
      from search_log cross join unnest(search_log.shown_asset_ids) as shown_asset(id)
      where ${countedSearch} and ${inRanges(sql`search_log.at`, source.rawRanges)} group by 1`);
  }
  return sql`(select asset_id, sum(shown)::int as shown from (${sql.join(parts, sql` union all `)}) as per_day group by asset_id)`;
}

/** Uses per asset in the window, as `(asset_id, uses)`: distinct (person, asset, UTC day) with a counted use. */
export function usesPerAsset(source: UsageSource): SQL {
  return sql`(select usage.asset_id, count(*)::int as uses from ${countedUsage(source)} where usage.used group by usage.asset_id)`;
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

/**
 * Runs a report statement and returns its rows. Counts are cast to int and times to epochMs in the statements, so
 * both drivers give the same JavaScript values.
 */
export async function rows<Row>(db: Db | Tx, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  // postgres.js answers an array of rows, PGlite an object holding them.
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}
