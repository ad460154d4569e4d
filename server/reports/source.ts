// Where a window's counted usage is read from, and the shapes the reports read it in. The rollup (rollup.ts) keeps
// three readings of each ended UTC day — per asset and person (usage_daily), in total (usage_day_totals), the people
// active (usage_day_people) — and, for the days a standard window reads, their per-asset sums (usage_spans). A
// window reads its whole days from those, except days written since they were rolled up (stale), and the raw rows
// for the rest: its partial first and last days and the stale ones. Every reading gives the same figures as the raw
// rows alone (test/api/reports-rollup.test.ts), so a report reads the same whichever it is given.
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { countedSearch, eventCountsByKind, EVENT_KIND_COLUMNS, EVENT_KINDS, OPEN_KINDS, rows, USE_KINDS } from './measures.ts';
import type { UsageKind } from '../usage/uses.ts';
import { previousWindow, type ReportWindow } from './window.ts';

/** Days as YYYY-MM-DD, [from, to); empty when from = to. */
export interface DayRange { from: string; to: string }

export interface UsageSource {
  window: ReportWindow;
  /** Whether the rollup may be read (the benchmark reads the raw events alone, to compare). */
  rollup: boolean;
  /** Days read from the rollup, except the stale ones. */
  rolled: DayRange & { except: string[] };
  /** The prebuilt per-asset sums of exactly the rolled days, when there is a current one (then none is stale). */
  span: DayRange | null;
  /** The rest of the window, read from the raw rows: half-open [from, to) ranges. */
  rawRanges: { from: Date; to: Date }[];
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The window (from, to] as the millisecond range [from + 1 ms, to + 1 ms) (timestamps are kept to the millisecond). */
function msRange(window: ReportWindow) {
  return { start: window.from.getTime() + 1, end: window.to.getTime() + 1 };
}

/** The whole UTC days inside the window: from the first midnight at or after its start to the last at or before its end. */
export function wholeDays(window: ReportWindow): DayRange {
  const { start, end } = msRange(window);
  const first = Math.ceil(start / DAY_MS) * DAY_MS;
  return { from: dayOf(first), to: dayOf(Math.max(first, Math.floor(end / DAY_MS) * DAY_MS)) };
}

/** `day` in the range (columns of the rollup tables). */
const inDayRange = (range: DayRange, column = sql`day`) => sql`${column} >= ${range.from}::date and ${column} < ${range.to}::date`;

/**
 * A span is current when no day in it is stale or was rolled up since the span was built (rolled_at and built_at
 * are taken under the rollup's lock, so "since" cannot be missed; equal counts as since).
 */
export function spanIsCurrent(range: DayRange): SQL {
  return sql`exists (select 1 from usage_spans where usage_spans.from_day = ${range.from}::date and usage_spans.to_day = ${range.to}::date
    and not exists (select 1 from usage_rollup_days where ${inDayRange(range, sql`usage_rollup_days.day`)}
      and (usage_rollup_days.stale or usage_rollup_days.rolled_at >= usage_spans.built_at)))`;
}

/** The whole window as one half-open range of the raw rows. */
export function windowRange(window: ReportWindow): { from: Date; to: Date } {
  const { start, end } = msRange(window);
  return { from: new Date(start), to: new Date(end) };
}

export async function usageSource(db: Db | Tx, window: ReportWindow, options: { rollup?: boolean } = {}): Promise<UsageSource> {
  const rollup = options.rollup ?? true;
  const { start, end } = msRange(window);
  const days = wholeDays(window);
  if (!rollup || days.from === days.to) {
    return { window, rollup, rolled: { ...days, to: days.from, except: [] }, span: null, rawRanges: [{ from: new Date(start), to: new Date(end) }] };
  }
  const [found] = await rows<{ stale: string[] | null; span: boolean }>(db, sql`
    select (select array_agg(to_char(day, 'YYYY-MM-DD') order by day) from usage_rollup_days where stale and ${inDayRange(days)}) as stale,
      ${spanIsCurrent(days)} as span`);
  const stale = found?.stale ?? [];
  // Raw: the partial first day, each stale day (adjacent ones merged), the partial last day.
  const rawRanges: { from: Date; to: Date }[] = [];
  const add = (from: number, to: number) => {
    if (from >= to) return;
    const last = rawRanges.at(-1);
    if (last && last.to.getTime() === from) last.to = new Date(to);
    else rawRanges.push({ from: new Date(from), to: new Date(to) });
  };
  const midnight = (day: string) => Date.parse(`${day}T00:00:00Z`);
  add(start, midnight(days.from));
  for (const day of stale) add(midnight(day), midnight(day) + DAY_MS);
  add(midnight(days.to), end);
  return { window, rollup, rolled: { ...days, except: stale }, span: found?.span && stale.length === 0 ? days : null, rawRanges };
}

/** The same reading for the window of the same length just before (hints: use dropped against it). */
export function previousSource(db: Db | Tx, source: UsageSource): Promise<UsageSource> {
  return usageSource(db, previousWindow(source.window), { rollup: source.rollup });
}

const timestamp = (ms: Date) => sql`${ms.toISOString()}::timestamptz`;

/** `column` in one of the ranges (false for none). */
export function inRanges(column: SQL, ranges: { from: Date; to: Date }[]): SQL {
  if (ranges.length === 0) return sql`false`;
  return sql`(${sql.join(ranges.map((range) => sql`(${column} >= ${timestamp(range.from)} and ${column} < ${timestamp(range.to)})`), sql` or `)})`;
}

/** `day` (of a rollup table) is one of the days read from the rollup. */
function rolledDays({ rolled }: UsageSource): SQL {
  const except = rolled.except.length ? sql` and not (day = any(${`{${rolled.except.join(',')}}`}::date[]))` : sql``;
  return sql`${inDayRange(rolled)}${except}`;
}

const hasRolledDays = (source: UsageSource) => source.rolled.from < source.rolled.to;
/** The source without its rolled-up days: its raw ranges alone. */
const rawOnly = (source: UsageSource): UsageSource => ({ ...source, rolled: { ...source.rolled, to: source.rolled.from } });
const kindSum = (kinds: readonly UsageKind[], table = 'usage') => sql.raw(kinds.map((kind) => `${table}.${kind}`).join(' + '));
const assetFilter = (column: SQL, assetIds?: string[]) => (assetIds ? sql` and ${column} = any(${`{${assetIds.join(',')}}`}::uuid[])` : sql``);
const kindColumns = (table: string) => sql.raw(EVENT_KINDS.map((kind) => `${table}.${kind}`).join(', '));
const summedKinds = sql.raw(EVENT_KINDS.map((kind) => `sum(${kind})::int as ${kind}`).join(', '));

/**
 * The window's counted usage as one row per UTC day, asset and person (share-link visitors: no person), with the
 * events of each kind (columns named as the kinds), `opens` (OPEN_KINDS) and `used` (one of USE_KINDS), as `usage`.
 * A person's repeats on a day are one row, so counting rows with `used` counts uses. For distinct people: figures
 * summed per asset are quicker to read from assetFigures. `assetIds` limits it to those assets.
 */
export function countedUsage(source: UsageSource, assetIds?: string[]): SQL {
  const parts: SQL[] = [];
  if (hasRolledDays(source)) {
    parts.push(sql`select day, asset_id, user_id, ${sql.raw(EVENT_KIND_COLUMNS)} from usage_daily
      where ${rolledDays(source)}${assetFilter(sql`usage_daily.asset_id`, assetIds)}`);
  }
  if (source.rawRanges.length) parts.push(rawUsageByDay(source, assetIds));
  if (parts.length === 0) parts.push(sql`select null::date as day, null::uuid as asset_id, null::uuid as user_id, ${sql.raw(EVENT_KINDS.map((k) => `0 as ${k}`).join(', '))} where false`);
  return sql`(select usage.*, ${kindSum(OPEN_KINDS)} as opens, ${kindSum(USE_KINDS)} > 0 as used
    from (${sql.join(parts, sql` union all `)}) as usage) as usage`;
}

/** The raw events of the source's raw ranges as rows of usage_daily. */
function rawUsageByDay(source: UsageSource, assetIds?: string[]): SQL {
  return sql`select (usage_events.at at time zone 'UTC')::date as day, usage_events.asset_id, usage_events.user_id, ${eventCountsByKind}
    from usage_events where usage_events.counted and ${inRanges(sql`usage_events.at`, source.rawRanges)}${assetFilter(sql`usage_events.asset_id`, assetIds)}
    group by 1, 2, 3`;
}

/**
 * Per asset with usage or shown in a search in the window: the events of each kind, `opens`, `visitor_opens` (opens
 * by share-link visitors), `uses` (person-days with a use) and `shown` (counted searches that showed it). From the window's span when it has a current one.
 */
export function assetFigures(source: UsageSource): SQL {
  const parts: SQL[] = [];
  // Read per day only what the span does not hold.
  const daily = source.span ? rawOnly(source) : source;
  if (source.span) {
    parts.push(sql`select asset_id, ${kindColumns('usage_span_assets')}, opens, visitor_opens, uses, shown from usage_span_assets
      where from_day = ${source.span.from}::date and to_day = ${source.span.to}::date`);
  }
  if (hasRolledDays(daily) || daily.rawRanges.length) {
    parts.push(sql`select usage.asset_id, ${kindColumns('usage')}, usage.opens, case when usage.user_id is null then usage.opens else 0 end,
      usage.used::int as uses, 0 as shown from ${countedUsage(daily)}`);
  }
  const zeros = sql.raw(EVENT_KINDS.map(() => '0').join(', '));
  parts.push(sql`select asset_id, ${zeros}, 0, 0, 0, shown from ${shownInSearches(daily)} as shown`);
  return sql`(select asset_id, ${summedKinds}, sum(opens)::int as opens, sum(visitor_opens)::int as visitor_opens, sum(uses)::int as uses,
    sum(shown)::int as shown
    from (${sql.join(parts, sql` union all `)}) as parts(asset_id, ${sql.raw(EVENT_KIND_COLUMNS)}, opens, visitor_opens, uses, shown) group by asset_id)`;
}

/** Per asset, how many counted searches in the source's rolled days and raw ranges showed it, as `(asset_id, shown)`. */
function shownInSearches(source: UsageSource): SQL {
  const parts: SQL[] = [sql`select null::uuid as asset_id, 0 as shown where false`];
  if (hasRolledDays(source)) parts.push(sql`select asset_id, shown from search_shown_daily where ${rolledDays(source)}`);
  if (source.rawRanges.length) {
    parts.push(sql`select shown_asset.id as asset_id, count(*)::int as shown
      from search_log cross join unnest(search_log.shown_asset_ids) as shown_asset(id)
      where ${countedSearch} and ${inRanges(sql`search_log.at`, source.rawRanges)} group by 1`);
  }
  return sql`(select asset_id, sum(shown)::int as shown from (${sql.join(parts, sql` union all `)}) as per_day group by asset_id)`;
}

/** Uses per asset in the window, as `(asset_id, uses)`: distinct (person, asset, UTC day) with a counted use. */
export function usesPerAsset(source: UsageSource): SQL {
  return sql`(select asset_id, uses from ${assetFigures(source)} as figures where uses > 0)`;
}

/**
 * Per UTC day of the window with anything counted: the events of each kind, `uses`, `searches` and
 * `zero_result_searches` (counted searches, and those that found nothing).
 */
export function dayTotals(source: UsageSource): SQL {
  const parts: SQL[] = [];
  if (hasRolledDays(source)) {
    parts.push(sql`select day, ${sql.raw(EVENT_KIND_COLUMNS)}, uses, searches, zero_result_searches from usage_day_totals where ${rolledDays(source)}`);
  }
  if (source.rawRanges.length) {
    parts.push(sql`select usage.day, ${summedKinds}, (count(*) filter (where usage.used))::int, 0, 0 from ${countedUsage(rawOnly(source))} group by usage.day`);
    const zeros = sql.raw(EVENT_KINDS.map(() => '0').join(', '));
    parts.push(sql`select (search_log.at at time zone 'UTC')::date, ${zeros}, 0, count(*)::int, (count(*) filter (where search_log.result_count = 0))::int
      from search_log where ${countedSearch} and ${inRanges(sql`search_log.at`, source.rawRanges)} group by 1`);
  }
  return sql`(select day, ${summedKinds}, sum(uses)::int as uses, sum(searches)::int as searches, sum(zero_result_searches)::int as zero_result_searches
    from (${sql.join(parts, sql` union all `)}) as parts(day, ${sql.raw(EVENT_KIND_COLUMNS)}, uses, searches, zero_result_searches) group by day)`;
}

/** The people (user ids) with counted usage or a counted search in the window, each once, as `(user_id)`. */
export function activePeople(source: UsageSource): SQL {
  const parts: SQL[] = [sql`select null::uuid as user_id where false`];
  if (hasRolledDays(source)) parts.push(sql`select user_id from usage_day_people where ${rolledDays(source)}`);
  if (source.rawRanges.length) {
    parts.push(sql`select usage_events.user_id from usage_events
      where usage_events.counted and usage_events.user_id is not null and ${inRanges(sql`usage_events.at`, source.rawRanges)}`);
    parts.push(sql`select search_log.user_id from search_log
      where ${countedSearch} and search_log.user_id is not null and ${inRanges(sql`search_log.at`, source.rawRanges)}`);
  }
  return sql`(${sql.join(parts, sql` union `)})`;
}
