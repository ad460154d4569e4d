// What a use is: the kinds of event recorded, and which of them count as sales using an asset (reports and
// search ranking read only those).

/** Kinds the web app reports through POST /api/events; downloads and shares are recorded by the server itself. */
export const BROWSER_EVENT_KINDS = ['view', 'click', 'copy_link', 'presented'] as const;
export type UsageKind = (typeof BROWSER_EVENT_KINDS)[number] | 'download' | 'share';

/** What counts as sales using an asset (marketing's own handling is recorded with counted = false). */
export const USE_KINDS = ['view', 'click', 'download', 'share', 'copy_link', 'presented'] as const satisfies readonly UsageKind[];

/**
 * What ranking and hits know of an asset's use, counted in person-days: one person's repeats on one day count once,
 * so one enthusiast cannot lift an asset above what the whole team uses.
 */
export interface UsageFigures {
  /** Distinct (person, day) pairs with a counted use, each weighing 2^(−age / half-life). */
  decayed: number;
  /** Counted uses (events) in the last 30 days. */
  last30Days: number;
  /** Distinct people with a counted use in the last 30 days. */
  people30Days: number;
}
