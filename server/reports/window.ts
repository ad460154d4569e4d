// The window every report is asked for (the last `days` days, ending now) and the cell filter of the coverage
// drill-down: parsed once here, so each report file takes the same typed parameters.

export const MAX_DAYS = 730;
export const DEFAULT_DAYS = 90;
const DAY_MS = 86_400_000;

/** (from, to]: an event at `from` belongs to the window before. */
export interface ReportWindow { from: Date; to: Date; days: number }

export function reportWindow(days: number, now = new Date()): ReportWindow {
  return { from: new Date(now.getTime() - days * DAY_MS), to: now, days };
}

/** The window of the same length just before, for "use dropped against the previous window". */
export function previousWindow(window: ReportWindow): ReportWindow {
  return reportWindow(window.days, window.from);
}

/** Whole days from `since` to `until` (days live, days left before expiry). */
export function daysBetween(since: Date, until: Date): number {
  return Math.floor((until.getTime() - since.getTime()) / DAY_MS);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** A persona × stage cell, either side optional (the coverage heat map's drill-down). */
export interface CellFilter { persona?: string; stage?: string }
