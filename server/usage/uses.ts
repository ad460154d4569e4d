// What a use is: the kinds of event recorded, and which of them count as sales using an asset (reports and
// search ranking read only those).

/** Kinds the web app reports through POST /api/events; downloads and shares are recorded by the server itself. */
export const BROWSER_EVENT_KINDS = ['view', 'click', 'copy_link', 'presented'] as const;
export type UsageKind = (typeof BROWSER_EVENT_KINDS)[number] | 'download' | 'share';

/** Every kind of event recorded, as the reports break them down. */
export const EVENT_KINDS = ['view', 'click', 'download', 'share', 'copy_link', 'presented'] as const satisfies readonly UsageKind[];
/**
 * What search ranking counts as sales taking an interest in an asset: every counted event (marketing's own handling
 * is recorded with counted = false). Reports are stricter: see USE_KINDS.
 */
export const RANKED_KINDS = EVENT_KINDS;
/** An asset is USED, in the reports, when sales do one of these with it: it went to a buyer or in front of one. */
export const USE_KINDS = ['download', 'share', 'copy_link', 'presented'] as const satisfies readonly UsageKind[];
/** An asset is OPENED by these (its detail viewed, a hit clicked): looked at, not yet used. */
export const OPEN_KINDS = ['view', 'click'] as const satisfies readonly UsageKind[];
/** Counted under "shares" in the per-asset report: the link to it went to a buyer either way. */
export const SHARE_KINDS = ['share', 'copy_link'] as const satisfies readonly UsageKind[];

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
