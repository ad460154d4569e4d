// The reports' client (API.md "Reports", issue 16): what the dashboard asks for, typed as the server answers it,
// and the two one-click actions its hints offer. Requests go through api.ts's `request`, so errors and an ended
// session behave as everywhere else.
import { api, request, type Asset, type InfluenceReport, type Kind, type UserRef } from './api.ts';

export type { InfluenceReport };

/** The windows the dashboard offers, in days; the server takes any 1–730. */
export const REPORT_WINDOWS = [30, 90, 180, 365] as const;
export const DEFAULT_WINDOW = 90;

/** An asset as the reports name it: enough to show and link it. */
export interface ReportAsset {
  id: string; title: string; kind: Kind; owner: UserRef;
  personas: string[]; stages: string[]; thumbnailUrl: string | null;
}

export interface UsageSummary {
  from: string; to: string; days: number;
  liveAssets: number; usedAssets: number; unusedAssets: number;
  /** 0–100, one decimal; 0 when nothing is live. */
  usedPct: number; unusedPct: number;
  events: { view: number; click: number; download: number; share: number; copy_link: number; presented: number };
  activeSalesUsers: number; searches: number; zeroResultSearches: number;
}

export type UnusedReason = 'never_shown' | 'shown_not_opened' | 'opened_not_used' | 'expiring';
export interface UnusedAsset {
  asset: ReportAsset; approvedAt: string; daysLive: number; lastUsedAt: string | null; expiresAt: string | null;
  reason: UnusedReason;
  /** The reason as a sentence ("Shown in 14 searches, never opened"). */
  reasonText: string;
}

export type AssetSort = '-uses' | 'uses' | '-lastUsedAt' | 'title';
export interface AssetUsage {
  asset: ReportAsset; uses: number; views: number; downloads: number; shares: number; shareOpens: number; uniqueUsers: number;
  /** People whose latest feedback in the window says it helped / didn't. */
  helpful: number; notHelpful: number;
  lastUsedAt: string | null;
  /** Uses against the median of its persona × stage cell; null below `minUses`. */
  score: number | null;
  cell: { persona: string | null; stage: string | null };
}
/** `total` counts every row; the JSON holds the first ones (the server's `limit`), the CSV all of them. */
export interface AssetUsageReport { scoreFormula: string; minUses: number; items: AssetUsage[]; total?: number }
export interface UnusedReport { items: UnusedAsset[]; total?: number }

export interface CoverageCell {
  persona: string; stage: string; liveAssets: number; usedAssets: number; uses: number; shareOpens: number; zeroResultSearches: number;
}
export interface Coverage { personas: { slug: string; label: string }[]; stages: { slug: string; label: string }[]; cells: CoverageCell[] }

export interface TopQuery { query: string; count: number; clickRate: number; searchers: number }
/** `query` is "" for searches with filters and no words that found nothing. */
export interface ZeroResultQuery { query: string; variants: string[]; count: number; searchers: number; lastAt: string }

/** How a failed search reads on screen: its words in quotes, or that it had none. */
export const queryShown = (query: string) => (query ? `“${query}”` : '(filters only)');
export interface SearchReport { top: TopQuery[]; zeroResults: ZeroResultQuery[] }

export type TrendInterval = 'day' | 'week';
export interface TrendPoint { date: string; views: number; downloads: number; shares: number; searches: number; uses: number }
export interface Trend { interval: TrendInterval; points: TrendPoint[] }

export type HintKind = 'retire' | 'expiring' | 'dropped';
export interface Hint {
  asset: ReportAsset; hint: HintKind; text: string; expiresAt: string | null; daysLive: number; usesNow: number; usesBefore: number;
}

/** The most urgent hints, of `total`. */
export interface HintsReport { items: Hint[]; total: number }

/** The persona × stage cell a drill-down narrows the unused, assets and searches reports to. */
export interface CellFilter { persona: string; stage: string }

/** The reports that answer a CSV file as well. */
export type ListReport = 'unused' | 'assets' | 'searches' | 'trend' | 'hints' | 'coverage' | 'influence';

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  return `?${search.toString()}`;
}

const get = <T>(report: string, params: Record<string, string | number | undefined>, signal?: AbortSignal) =>
  request<T>('GET', `/api/reports/${report}${query(params)}`, undefined, signal);

export const reports = {
  summary: (days: number, signal?: AbortSignal) => get<UsageSummary>('summary', { days }, signal),
  unused: (days: number, signal?: AbortSignal) => get<UnusedReport>('unused', { days }, signal),
  assets: (days: number, sort: AssetSort, cell?: CellFilter, signal?: AbortSignal) =>
    get<AssetUsageReport>('assets', { days, sort, ...cell }, signal),
  coverage: (days: number, signal?: AbortSignal) => get<Coverage>('coverage', { days }, signal),
  searches: (days: number, cell?: CellFilter, signal?: AbortSignal) => get<SearchReport>('searches', { days, ...cell }, signal),
  trend: (days: number, interval: TrendInterval, signal?: AbortSignal) => get<Trend>('trend', { days, interval }, signal),
  hints: (days: number, signal?: AbortSignal) => get<HintsReport>('hints', { days }, signal),
  /** Deals the assets were shared in; one asset's with `assetId`. */
  influence: (days: number, assetId?: string, signal?: AbortSignal) => get<InfluenceReport>('influence', { days, assetId }, signal),

  /** The link of a report's CSV download (the browser's own download, with the session cookie). */
  csvUrl: (report: ListReport, days: number, extra: Record<string, string | undefined> = {}) =>
    `/api/reports/${report}${query({ format: 'csv', days, ...extra })}`,
};

/** How long "Extend expiry" adds, counted from the later of today and the current expiry. */
export const EXTENSION_DAYS = 90;

export function extendedExpiry(expiresAt: string | null, now = Date.now()): string {
  const from = Math.max(now, expiresAt ? Date.parse(expiresAt) : now);
  return new Date(from + EXTENSION_DAYS * 86_400_000).toISOString();
}

/**
 * What became of an extension. A later expiry of a live asset is a metadata change like any other: it waits for
 * review (assets/service.ts `takesEffectAtOnce` lets only an earlier one through), so the new date is sent for
 * review, and another approver makes it live.
 */
export type ExtendOutcome =
  | { result: 'applied'; asset: Asset }
  | { result: 'sent_for_review'; asset: Asset }
  /** Saved with other proposed changes that were not submitted: someone must submit them from the asset's page. */
  | { result: 'saved_for_review'; asset: Asset };

export async function extendExpiry(assetId: string, expiresAt: string): Promise<ExtendOutcome> {
  const updated = await api.updateAsset(assetId, { expiresAt });
  if (!updated.pendingChanges || updated.pendingChanges.values.expiresAt === undefined) return { result: 'applied', asset: updated };
  // Submit only a proposal that is this extension alone: never someone else's unfinished edits along with it.
  const onlyExpiry = updated.pendingChanges.changes.every((change) => change.field === 'expiresAt');
  if (updated.status === 'draft' && onlyExpiry) return { result: 'sent_for_review', asset: await api.workflow(assetId, 'submit') };
  if (updated.status === 'in_review') return { result: 'sent_for_review', asset: updated };
  return { result: 'saved_for_review', asset: updated };
}

/** One-click archive from a hint, and its undo. */
export const archiveAsset = (assetId: string) => api.workflow(assetId, 'archive', 'Archived from a reports hint');
export const restoreAsset = (assetId: string) => api.workflow(assetId, 'restore', 'Archive from a reports hint undone');
