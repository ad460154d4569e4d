// The daily rollup: once a UTC day has ended, its counted usage events are summed per asset and person
// (usage_daily), in total (usage_day_totals) and per person active (usage_day_people), and its counted searches'
// shown assets per asset (search_shown_daily), so a 90-day report reads a few rows per asset and day instead of
// every event. Then the days each standard window reads are summed per asset once (usage_spans), so a report over
// 100,000 assets reads one row per asset instead of one per asset and day, and their searches per query.
// A day is rolled up again whenever something is written for it later (usage_rollup_days.stale, set by triggers in
// the writing transaction); until then reports read its raw rows, and no span holding it is read.
// Run every minute by a scheduled job, and idempotent: a day or a span is replaced, never added to.
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { countedSearch, EVENT_KIND_COLUMNS, EVENT_KINDS, eventCountsByKind, OPEN_KINDS, rows, USE_KINDS } from './measures.ts';
import { spanIsCurrent, wholeDays, type DayRange } from './source.ts';
import { previousWindow, reportWindow } from './window.ts';

export const ROLLUP_JOB = 'usage.rollup';
/** How often the rollup looks for ended or rewritten days: within this, a late event is in the rollup. */
export const ROLLUP_EVERY_MS = 60_000;
/** Days one run rolls up at most (the first run after a large import catches up over a few minutes). */
const DAYS_PER_RUN = 120;
/** The windows (in days) whose whole days, and those of the window before each, are summed per asset in advance: the dashboard's. */
export const SPAN_WINDOWS = [7, 30, 90, 365] as const;

/** The start of a UTC day (YYYY-MM-DD) as a timestamptz. */
const dayStart = (day: string) => sql`(${day}::date::timestamp at time zone 'UTC')`;

/**
 * One rollup at a time, across processes: a span's built_at and a day's rolled_at are then ordered as their
 * transactions are, which is what spanIsCurrent relies on.
 */
const takeRollupLock = (tx: Tx) => tx.execute(sql`select pg_advisory_xact_lock(hashtext('content_hub.usage_rollup'))`);

/** Rolls up every stale day that has ended by `now`, oldest first, then rebuilds the spans that are not current. */
export async function rollUpUsage(db: Db, options: { now?: Date; maxDays?: number } = {}): Promise<{ days: number; spans: number }> {
  const now = options.now ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const stale = await rows<{ day: string }>(db, sql`
    select to_char(day, 'YYYY-MM-DD') as day from usage_rollup_days where stale and day < ${today}::date
    order by day limit ${options.maxDays ?? DAYS_PER_RUN}`);
  let days = 0;
  for (const { day } of stale) if (await rollUpDay(db, day)) days++;
  return { days, spans: await refreshSpans(db, now) };
}

/**
 * Replaces one day's rollup with what its raw rows say now. The day's row is locked first: a transaction writing
 * events for the day holds that lock from its trigger until it commits, so the rows read below include its events,
 * and one that writes after it finds the day rolled and marks it stale again. False when it was not stale (any more).
 */
async function rollUpDay(db: Db, day: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await takeRollupLock(tx);
    const claimed = await rows(tx, sql`select day from usage_rollup_days where day = ${day}::date and stale for update`);
    if (claimed.length === 0) return false;
    const inDay = (column: string) => sql`${sql.raw(column)} >= ${dayStart(day)} and ${sql.raw(column)} < ${dayStart(day)} + interval '1 day'`;
    for (const table of ['usage_daily', 'search_shown_daily', 'usage_day_totals', 'usage_day_people']) {
      await tx.execute(sql`delete from ${sql.identifier(table)} where day = ${day}::date`);
    }
    await tx.execute(sql`
      insert into usage_daily (day, asset_id, user_id, ${sql.raw(EVENT_KIND_COLUMNS)})
      select ${day}::date, usage_events.asset_id, usage_events.user_id, ${eventCountsByKind}
      from usage_events where usage_events.counted and ${inDay('usage_events.at')}
      group by usage_events.asset_id, usage_events.user_id`);
    await tx.execute(sql`
      insert into search_shown_daily (day, asset_id, shown)
      select ${day}::date, shown_asset.id, count(*)
      from search_log cross join unnest(search_log.shown_asset_ids) as shown_asset(id)
      where ${countedSearch} and ${inDay('search_log.at')}
      group by shown_asset.id`);
    await tx.execute(sql`
      insert into usage_day_totals (day, ${sql.raw(EVENT_KIND_COLUMNS)}, uses, searches, zero_result_searches)
      select ${day}::date, ${sql.raw(EVENT_KINDS.map((kind) => `coalesce(sum(${kind}), 0)`).join(', '))},
        count(*) filter (where ${sql.raw(USE_KINDS.join(' + '))} > 0),
        (select count(*) from search_log where ${countedSearch} and ${inDay('search_log.at')}),
        (select count(*) from search_log where ${countedSearch} and search_log.result_count = 0 and ${inDay('search_log.at')})
      from usage_daily where day = ${day}::date`);
    await tx.execute(sql`
      insert into usage_day_people (day, user_id)
      select ${day}::date, user_id from usage_daily where day = ${day}::date and user_id is not null
      union
      select ${day}::date, search_log.user_id from search_log where ${countedSearch} and search_log.user_id is not null and ${inDay('search_log.at')}`);
    // Last: deleting the day's rows above marked it stale again (the trigger for deletes other than this one).
    await tx.execute(sql`update usage_rollup_days set stale = false, rolled_at = clock_timestamp() where day = ${day}::date`);
    return true;
  });
}

/** The day ranges of the standard windows ending now and of the windows before them. */
export function spanRanges(now: Date): DayRange[] {
  const ranges = new Map<string, DayRange>();
  for (const days of SPAN_WINDOWS) {
    const window = reportWindow(days, now);
    for (const range of [wholeDays(window), wholeDays(previousWindow(window))]) {
      if (range.from < range.to) ranges.set(`${range.from}/${range.to}`, range);
    }
  }
  return [...ranges.values()];
}

/**
 * Drops the spans no standard window reads any more and builds those that are missing or not current, unless a day
 * in them is still stale (it would be out of date at once; the next run builds it). Returns how many it built.
 */
async function refreshSpans(db: Db, now: Date): Promise<number> {
  const wanted = spanRanges(now);
  await db.execute(sql`delete from usage_spans where (to_char(from_day, 'YYYY-MM-DD') || '/' || to_char(to_day, 'YYYY-MM-DD')) <> all(${
    `{${wanted.map((range) => `${range.from}/${range.to}`).join(',')}}`}::text[])`);
  let built = 0;
  for (const range of wanted) {
    const [state] = await rows<{ current: boolean; stale: boolean }>(db, sql`
      select ${spanIsCurrent(range)} as current,
        exists (select 1 from usage_rollup_days where stale and day >= ${range.from}::date and day < ${range.to}::date) as stale`);
    if (state!.current || state!.stale) continue;
    await db.transaction(async (tx) => {
      await takeRollupLock(tx);
      await tx.execute(sql`delete from usage_spans where from_day = ${range.from}::date and to_day = ${range.to}::date`);
      await tx.execute(sql`insert into usage_spans (from_day, to_day, built_at) values (${range.from}::date, ${range.to}::date, clock_timestamp())`);
      const inRange = sql`day >= ${range.from}::date and day < ${range.to}::date`;
      const sum = (kinds: readonly string[]) => sql.raw(kinds.map((kind) => `usage_daily.${kind}`).join(' + '));
      await tx.execute(sql`
        insert into usage_span_assets (from_day, to_day, asset_id, ${sql.raw(EVENT_KIND_COLUMNS)}, opens, visitor_opens, uses, shown)
        select ${range.from}::date, ${range.to}::date, asset_id, ${sql.raw(EVENT_KINDS.map((kind) => `sum(${kind})`).join(', '))},
          sum(opens), sum(visitor_opens), sum(uses), sum(shown)
        from (
          select asset_id, ${sql.raw(EVENT_KIND_COLUMNS)}, ${sum(OPEN_KINDS)} as opens,
            case when user_id is null then ${sum(OPEN_KINDS)} else 0 end as visitor_opens, (${sum(USE_KINDS)} > 0)::int as uses, 0 as shown
          from usage_daily where ${inRange}
          union all
          select asset_id, ${sql.raw(EVENT_KINDS.map(() => '0').join(', '))}, 0, 0, 0, shown from search_shown_daily where ${inRange}
        ) as per_day
        group by asset_id`);
      await tx.execute(sql`
        insert into search_span_queries (from_day, to_day, query, zero, count, clicks, last_at, user_ids)
        select ${range.from}::date, ${range.to}::date, search_log.query, search_log.result_count = 0, count(*), count(search_log.clicked_at),
          max(search_log.at), coalesce(array_agg(distinct search_log.user_id) filter (where search_log.user_id is not null), '{}')
        from search_log
        where ${countedSearch} and search_log.at >= ${dayStart(range.from)} and search_log.at < ${dayStart(range.to)}
        group by search_log.query, search_log.result_count = 0`);
    });
    built++;
  }
  return built;
}
