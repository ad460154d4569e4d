// The daily rollup: once a UTC day has ended, its counted usage events are summed per asset and person
// (usage_daily) and its counted searches' shown assets per asset (search_shown_daily), so a 90-day report reads a
// few rows per asset and day instead of every event. A day is rolled up again whenever something is written for it
// later (usage_rollup_days.stale, set by a trigger in the writing transaction); until then reports read its raw rows.
// Rolled up every minute by a scheduled job, and idempotent: a day is replaced, never added to.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { countedSearch, EVENT_KIND_COLUMNS, eventCountsByKind, rows } from './measures.ts';

export const ROLLUP_JOB = 'usage.rollup';
/** How often the rollup looks for ended or rewritten days: within this, a late event is in the rollup. */
export const ROLLUP_EVERY_MS = 60_000;
/** Days one run rolls up at most (the first run after a large import catches up over a few minutes). */
const DAYS_PER_RUN = 120;

/** The start of a UTC day (YYYY-MM-DD) as a timestamptz. */
const dayStart = (day: string) => sql`(${day}::date::timestamp at time zone 'UTC')`;

/** Rolls up every stale day that has ended by `now`, oldest first; returns how many it rolled. */
export async function rollUpUsage(db: Db, options: { now?: Date; maxDays?: number } = {}): Promise<{ days: number }> {
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  const stale = await rows<{ day: string }>(db, sql`
    select to_char(day, 'YYYY-MM-DD') as day from usage_rollup_days where stale and day < ${today}::date
    order by day limit ${options.maxDays ?? DAYS_PER_RUN}`);
  let rolled = 0;
  for (const { day } of stale) if (await rollUpDay(db, day)) rolled++;
  return { days: rolled };
}

/**
 * Replaces one day's rollup with what its raw rows say now. The day's row is locked first: a transaction writing
 * events for the day holds that lock from its trigger until it commits, so the rows read below include its events,
 * and one that writes after it finds the day rolled and marks it stale again. False when another run got there first.
 */
async function rollUpDay(db: Db, day: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const claimed = await rows<{ day: string }>(tx, sql`
      update usage_rollup_days set stale = false, rolled_at = now() where day = ${day}::date and stale returning day`);
    if (claimed.length === 0) return false;
    const inDay = (column: string) => sql`${sql.raw(column)} >= ${dayStart(day)} and ${sql.raw(column)} < ${dayStart(day)} + interval '1 day'`;
    await tx.execute(sql`delete from usage_daily where day = ${day}::date`);
    await tx.execute(sql`delete from search_shown_daily where day = ${day}::date`);
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
    return true;
  });
}
