// The reports as the API gives them: each report file's figures, with the assets' short forms and ISO dates, as
// JSON or as a CSV stream. A report is computed by one function of its own file, so a rollup can stand in for it.
import type { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { FeedbackService } from '../feedback/service.ts';
import type { UsageService } from '../usage/service.ts';
import { withAssets, type ReportAsset, type WithAsset } from './asset-refs.ts';
import { assetUsage, MIN_USES_FOR_SCORE, scoreFormula, type AssetSort, type AssetUsage } from './assets.ts';
import { coverage } from './coverage.ts';
import { csvStream, onePage, type CsvColumn } from './csv.ts';
import { hints, type Hint } from './hints.ts';
import { searchAnalytics } from './searches.ts';
import { summaryFigures } from './summary.ts';
import { trend, type TrendInterval, type TrendPoint } from './trend.ts';
import { unusedAssets, type UnusedAsset } from './unused.ts';
import { usageSource } from './source.ts';
import { reportWindow, type CellFilter } from './window.ts';

/** Rows of a CSV read with their assets this many at a time. */
const CSV_PAGE = 500;

const iso = (date: Date | null) => date?.toISOString() ?? null;
const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);
const list = (values: string[]) => values.join('; ');

/** The asset columns every per-asset CSV starts with. */
const assetColumns = <Row extends { asset: ReportAsset }>(): CsvColumn<Row>[] => [
  { header: 'assetId', value: (row) => row.asset.id },
  { header: 'title', value: (row) => row.asset.title },
  { header: 'kind', value: (row) => row.asset.kind },
  { header: 'owner', value: (row) => row.asset.owner.name },
  { header: 'personas', value: (row) => list(row.asset.personas) },
  { header: 'stages', value: (row) => list(row.asset.stages) },
];

const unusedJson = ({ approvedAt, lastUsedAt, expiresAt, ...rest }: WithAsset<UnusedAsset>) =>
  ({ ...rest, approvedAt: iso(approvedAt)!, lastUsedAt: iso(lastUsedAt), expiresAt: iso(expiresAt) });
const assetUsageJson = ({ lastUsedAt, ...rest }: WithAsset<AssetUsage & { helpful: number; notHelpful: number }>) => ({ ...rest, lastUsedAt: iso(lastUsedAt) });
const hintJson = ({ expiresAt, ...rest }: WithAsset<Hint>) => ({ ...rest, expiresAt: iso(expiresAt) });

export interface ReportServiceOptions {
  /** The clock the windows end at (tests fix it). */
  now?: () => Date;
  /** Read the daily rollup where it is current (true); false reads the raw events alone (the benchmark's baseline). */
  rollup?: boolean;
  /** Feedback's counts per asset, for the per-asset report's helpful / notHelpful columns (0 without). */
  feedback?: Pick<FeedbackService, 'counts'>;
}

export function reportService(db: Db, usage: Pick<UsageService, 'flush'>, options: ReportServiceOptions = {}) {
  const windowOf = (days: number) => reportWindow(days, options.now?.());
  /** Where the last `days` days' usage is read from, on `db` (the report's transaction). */
  const source = (db: Db, days: number) => usageSource(db, windowOf(days), { rollup: options.rollup });

  /** Each asset's feedback in the window, read on `db` (the report's transaction): the people whose latest word is helped / didn't help. */
  async function withFeedback<Row extends { assetId: string }>(db: Db, items: Row[], days: number): Promise<(Row & { helpful: number; notHelpful: number })[]> {
    const counts = options.feedback ? await options.feedback.counts(items.map((item) => item.assetId), windowOf(days).from, db) : new Map();
    return items.map((item) => ({ ...item, helpful: counts.get(item.assetId)?.helpful ?? 0, notHelpful: counts.get(item.assetId)?.notHelpful ?? 0 }));
  }

  /** Rows with their assets, CSV_PAGE at a time. */
  async function* pagesWithAssets<Row extends { assetId: string }>(rows: Row[]) {
    for (let i = 0; i < rows.length; i += CSV_PAGE) yield await withAssets(db, rows.slice(i, i + CSV_PAGE));
  }

  /** The reports, their statements run on `db` (a report's own transaction: see below). */
  const reportsOn = (db: Db) => ({
    async summary(days: number) {
      const usage = await source(db, days);
      const { window } = usage;
      const figures = await summaryFigures(db, usage);
      const unusedAssets = figures.liveAssets - figures.usedAssets;
      return {
        from: iso(window.from)!, to: iso(window.to)!, days, ...figures, unusedAssets,
        usedPct: percent(figures.usedAssets, figures.liveAssets), unusedPct: percent(unusedAssets, figures.liveAssets),
      };
    },

    async unused(days: number, cell: CellFilter, limit: number) {
      const { items, total } = await unusedAssets(db, await source(db, days), cell, { limit });
      return { total, items: (await withAssets(db, items)).map(unusedJson) };
    },

    async unusedCsv(days: number, cell: CellFilter): Promise<Readable> {
      const { items } = await unusedAssets(db, await source(db, days), cell);
      return csvStream([
        ...assetColumns<WithAsset<UnusedAsset>>(),
        { header: 'approvedAt', value: (row) => row.approvedAt },
        { header: 'daysLive', value: (row) => row.daysLive },
        { header: 'lastUsedAt', value: (row) => row.lastUsedAt },
        { header: 'expiresAt', value: (row) => row.expiresAt },
        { header: 'reason', value: (row) => row.reason },
        { header: 'reasonText', value: (row) => row.reasonText },
      ], pagesWithAssets(items));
    },

    async assets(days: number, cell: CellFilter, sort: AssetSort, limit: number) {
      const { items, total } = await assetUsage(db, await source(db, days), cell, sort, { limit });
      return { scoreFormula: scoreFormula(days), minUses: MIN_USES_FOR_SCORE, total, items: (await withAssets(db, await withFeedback(db, items, days))).map(assetUsageJson) };
    },

    async assetsCsv(days: number, cell: CellFilter, sort: AssetSort): Promise<Readable> {
      const { items: listed } = await assetUsage(db, await source(db, days), cell, sort);
      const items = await withFeedback(db, listed, days);
      return csvStream([
        ...assetColumns<WithAsset<AssetUsage & { helpful: number; notHelpful: number }>>(),
        { header: 'cellPersona', value: (row) => row.cell.persona },
        { header: 'cellStage', value: (row) => row.cell.stage },
        { header: 'uses', value: (row) => row.uses },
        { header: 'views', value: (row) => row.views },
        { header: 'downloads', value: (row) => row.downloads },
        { header: 'shares', value: (row) => row.shares },
        { header: 'shareOpens', value: (row) => row.shareOpens },
        { header: 'helpful', value: (row) => row.helpful },
        { header: 'notHelpful', value: (row) => row.notHelpful },
        { header: 'uniqueUsers', value: (row) => row.uniqueUsers },
        { header: 'lastUsedAt', value: (row) => row.lastUsedAt },
        { header: 'score', value: (row) => row.score },
      ], pagesWithAssets(items));
    },

    coverage: async (days: number) => coverage(db, await source(db, days)),

    async coverageCsv(days: number): Promise<Readable> {
      const { personas, stages, cells } = await coverage(db, await source(db, days));
      const labels = new Map([...personas.map((t) => [`persona:${t.slug}`, t.label] as const), ...stages.map((t) => [`stage:${t.slug}`, t.label] as const)]);
      return csvStream<(typeof cells)[number]>([
        { header: 'persona', value: (cell) => cell.persona },
        { header: 'personaLabel', value: (cell) => labels.get(`persona:${cell.persona}`) },
        { header: 'stage', value: (cell) => cell.stage },
        { header: 'stageLabel', value: (cell) => labels.get(`stage:${cell.stage}`) },
        { header: 'liveAssets', value: (cell) => cell.liveAssets },
        { header: 'usedAssets', value: (cell) => cell.usedAssets },
        { header: 'uses', value: (cell) => cell.uses },
        { header: 'shareOpens', value: (cell) => cell.shareOpens },
        { header: 'zeroResultSearches', value: (cell) => cell.zeroResultSearches },
      ], onePage(cells));
    },

    async searches(days: number, cell: CellFilter) {
      const { top, zeroResults } = await searchAnalytics(db, await source(db, days), cell);
      return { top, zeroResults: zeroResults.map(({ lastAt, ...rest }) => ({ ...rest, lastAt: iso(lastAt)! })) };
    },

    /** Both lists in one table, told apart by the `list` column. */
    async searchesCsv(days: number, cell: CellFilter): Promise<Readable> {
      const { top, zeroResults } = await searchAnalytics(db, await source(db, days), cell);
      type Row = { list: string; query: string; variants?: string[]; count: number; searchers: number; clickRate?: number; lastAt?: Date };
      const rows: Row[] = [...top.map((row) => ({ list: 'top', ...row })), ...zeroResults.map((row) => ({ list: 'zero_results', ...row }))];
      return csvStream<Row>([
        { header: 'list', value: (row) => row.list },
        { header: 'query', value: (row) => row.query },
        { header: 'variants', value: (row) => (row.variants ? list(row.variants) : null) },
        { header: 'count', value: (row) => row.count },
        { header: 'searchers', value: (row) => row.searchers },
        { header: 'clickRate', value: (row) => row.clickRate },
        { header: 'lastAt', value: (row) => row.lastAt },
      ], onePage(rows));
    },

    async trend(days: number, interval: TrendInterval) {
      return { interval, points: await trend(db, await source(db, days), interval) };
    },

    async trendCsv(days: number, interval: TrendInterval): Promise<Readable> {
      const points = await trend(db, await source(db, days), interval);
      const figures = ['views', 'downloads', 'shares', 'searches', 'uses'] as const;
      return csvStream<TrendPoint>([
        { header: 'date', value: (point) => point.date },
        ...figures.map((figure) => ({ header: figure, value: (point: TrendPoint) => point[figure] })),
      ], onePage(points));
    },

    async hints(days: number, limit: number) {
      const { items, total } = await hints(db, await source(db, days), { limit });
      return { total, items: (await withAssets(db, items)).map(hintJson) };
    },

    async hintsCsv(days: number): Promise<Readable> {
      const { items: found } = await hints(db, await source(db, days));
      return csvStream([
        ...assetColumns<WithAsset<Hint>>(),
        { header: 'hint', value: (row) => row.hint },
        { header: 'text', value: (row) => row.text },
        { header: 'expiresAt', value: (row) => row.expiresAt },
        { header: 'daysLive', value: (row) => row.daysLive },
        { header: 'usesNow', value: (row) => row.usesNow },
        { header: 'usesBefore', value: (row) => row.usesBefore },
      ], pagesWithAssets(found));
    },
  });
  type Reports = ReturnType<typeof reportsOn>;
  // Every report first writes what this process recorded and has not written yet (usage's write buffer, at most
  // 50 ms behind): a report asked right after a download counts it.
  // Then its statements run in a read-only transaction of their own, planned for analytics: a hash join over the
  // window's per-asset figures, never a nested loop (the planner cannot estimate grouped rows of the rollup and raw
  // events together, and at 10 million events a nested loop took minutes where a hash join takes a second);
  // room to sort and hash in memory; no JIT compilation, which costs more than it saves on statements this size.
  // A CSV's later pages read their assets after it, on the database itself.
  const names = Object.keys(reportsOn(db)) as (keyof Reports)[];
  return Object.fromEntries(names.map((name) => [name, async (...args: never[]) => {
    await usage.flush();
    return db.transaction(async (tx) => {
      await tx.execute(sql`set transaction read only`);
      await tx.execute(sql`select set_config('enable_nestloop', 'off', true), set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
      return (reportsOn(tx)[name] as (...a: never[]) => unknown)(...args);
    });
  }])) as Reports;
}

export type ReportService = ReturnType<typeof reportService>;
