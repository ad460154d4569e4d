// Influence: deals from the CRM (posted one by one, idempotent by their externalId, or imported as CSV) and which
// assets were shared in them — the deals won and lost, the revenue touched, and a win rate that says how many
// deals back it, so an asset with three deals is not ranked against one with three hundred.
import type { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { opportunities } from '../db/schema.ts';
import { rows } from '../db/rows.ts';
import { Invalid, NotFound } from '../errors.ts';
import type { NotificationService } from '../notifications/service.ts';
import { withAssets } from '../reports/asset-refs.ts';
import { readOpportunityCsv } from './import.ts';
import { checkOpportunity, type OpportunityFields, type OpportunityRow } from './opportunity.ts';

/** Closed deals an asset needs before its win rate is ranked. */
export const MIN_RANKED_DEALS = 5;
const WRITE_BATCH = 5_000;
const MAX_CSV_BYTES = 64 * 1_048_576;

export type ImportMode = 'good-rows' | 'none';

function opportunityJson(row: typeof opportunities.$inferSelect) {
  return {
    externalId: row.externalId, name: row.name, amount: Number(row.amount), currency: row.currency, stage: row.stage, outcome: row.outcome,
    closedAt: row.closedAt?.toISOString() ?? null, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Inserts or updates rows by externalId; how many were new. A batch is one statement with one parameter, the rows
 * as JSON (a statement of thousands of bound values is several times slower to build and to plan).
 */
async function upsert(on: Db | Tx, list: OpportunityRow[]): Promise<number> {
  let created = 0;
  for (let i = 0; i < list.length; i += WRITE_BATCH) {
    const batch = JSON.stringify(list.slice(i, i + WRITE_BATCH).map((row) => ({
      external_id: row.externalId, name: row.name, amount: row.amount, currency: row.currency, stage: row.stage, outcome: row.outcome,
      closed_at: row.closedAt?.toISOString() ?? null,
    })));
    const written = await rows<{ inserted: boolean }>(on, sql`
      insert into opportunities (external_id, name, amount, currency, stage, outcome, closed_at, updated_at)
      select external_id, name, amount, currency, stage, outcome, closed_at, now()
      from json_to_recordset(${batch}::json) as given(external_id text, name text, amount numeric, currency text, stage text, outcome text, closed_at timestamptz)
      on conflict (external_id) do update set name = excluded.name, amount = excluded.amount, currency = excluded.currency,
        stage = excluded.stage, outcome = excluded.outcome, closed_at = excluded.closed_at, updated_at = excluded.updated_at
      returning (xmax = 0) as inserted`);
    // xmax is 0 on a row this statement inserted, and set on one it updated.
    created += written.filter((row) => row.inserted).length;
  }
  return created;
}

/**
 * The 95 % Wilson lower bound of a win rate: what ranks assets, so few deals rank low until more back them.
 * (3 of 3 won ranks below 250 of 300.)
 */
export function winRateLowerBound(won: number, closed: number): number {
  if (closed === 0) return 0;
  const z = 1.96;
  const p = won / closed;
  const denominator = 1 + (z * z) / closed;
  const centre = p + (z * z) / (2 * closed);
  const spread = z * Math.sqrt((p * (1 - p)) / closed + (z * z) / (4 * closed * closed));
  return (centre - spread) / denominator;
}

interface DealRow { asset_id: string; currency: string; won: number; lost: number; open: number; revenue_won: string | null }

/** What the senders of a closed deal's shares are asked: did what you shared help? */
interface ClosedDealShare { sender_id: string; external_id: string; name: string; outcome: 'won' | 'lost'; asset_id: string; title: string; assets: number }

export function influenceService(db: Db, notify: NotificationService['notify']) {
  /**
   * When deals close, whoever shared content in them is asked, under the bell, whether it helped — the moment the
   * field knows. Once per deal, outcome and person, however often the deal is imported again.
   */
  async function askSenders(closed: OpportunityRow[]) {
    if (closed.length === 0) return;
    const shared = await rows<ClosedDealShare>(db, sql`
      select distinct on (shares.sender_id, o.external_id) shares.sender_id, o.external_id, o.name, o.outcome, share_assets.asset_id, assets.title,
        (select count(distinct sa.asset_id)::int from shares s join share_assets sa on sa.share_id = s.id
          where s.opportunity = o.external_id and s.sender_id = shares.sender_id) as assets
      from opportunities o
      join shares on shares.opportunity = o.external_id and shares.created_at <= o.closed_at
      join share_assets on share_assets.share_id = shares.id
      join assets on assets.id = share_assets.asset_id
      join users on users.id = shares.sender_id and not users.disabled
      where o.external_id in (select value from json_array_elements_text(${JSON.stringify(closed.map((row) => row.externalId))}::json))
        and o.outcome in ('won', 'lost')
      order by shares.sender_id, o.external_id, share_assets.position`);
    for (const share of shared) {
      const others = share.assets > 1 ? ` and ${share.assets - 1} more` : '';
      await notify(share.sender_id, {
        kind: 'deal-closed', key: `deal-closed:${share.external_id}:${share.outcome}:${share.sender_id}`,
        title: `"${share.name}" was ${share.outcome}`,
        body: `You shared "${share.title}"${others} in it. Did it help? Say so on the asset's page.`,
        link: `/assets/${share.asset_id}`,
      });
    }
  }

  return {
    /** Records a deal, or brings it up to date: created tells which (201 or 200). */
    async record(input: OpportunityFields) {
      const checked = checkOpportunity(input);
      if (!checked.ok) throw new Invalid(`${checked.field} ${checked.reason}`, 'INVALID_OPPORTUNITY');
      const created = (await upsert(db, [checked.row])) > 0;
      await askSenders(checked.row.outcome === 'open' ? [] : [checked.row]);
      return { created, opportunity: await this.get(checked.row.externalId) };
    },

    async get(externalId: string) {
      const [row] = await db.select().from(opportunities).where(sql`${opportunities.externalId} = ${externalId}`);
      if (!row) throw new NotFound('no opportunity with this externalId');
      return opportunityJson(row);
    },

    /**
     * Imports a CSV: the good rows (default), or, `allOrNothing`, none when any row is bad; `dryRun` only checks.
     * The summary says which happened (`mode`).
     */
    async importCsv(body: Readable, options: { allOrNothing: boolean; dryRun: boolean }) {
      const read = await readOpportunityCsv(body, MAX_CSV_BYTES);
      const writes = !options.dryRun && (read.rejectedCount === 0 || !options.allOrNothing) && read.rows.length > 0;
      const created = writes ? await (options.allOrNothing ? db.transaction((tx) => upsert(tx, read.rows)) : upsert(db, read.rows)) : 0;
      if (writes) await askSenders(read.rows.filter((row) => row.outcome !== 'open'));
      return {
        mode: (writes ? 'good-rows' : 'none') as ImportMode,
        rows: read.read, valid: read.rows.length,
        imported: writes ? read.rows.length : 0, created, updated: writes ? read.rows.length - created : 0,
        rejected: read.rejected, rejectedCount: read.rejectedCount,
      };
    },

    /**
     * Per asset shared in a deal (a share carrying its externalId, made before the deal closed): the deals won,
     * lost and open, the revenue won, and the win rate with the deals behind it. Deals closed in the window, and
     * open ones. Revenue is summed in the currency most won deals are in; other currencies are listed apart.
     */
    async report(days: number, assetId?: string) {
      const since = new Date(Date.now() - days * 86_400_000).toISOString();
      const deals = await rows<DealRow>(db, sql`
        with touched as (
          select distinct share_assets.asset_id, o.external_id, o.outcome, o.amount, o.currency, o.closed_at
          from opportunities o
          join shares on shares.opportunity = o.external_id and shares.created_at <= coalesce(o.closed_at, now())
          join share_assets on share_assets.share_id = shares.id
          where (o.outcome = 'open' or o.closed_at >= ${since}::timestamptz)
            ${assetId ? sql`and share_assets.asset_id = ${assetId}::uuid` : sql``}
        )
        select asset_id, currency,
          (count(*) filter (where outcome = 'won'))::int as won, (count(*) filter (where outcome = 'lost'))::int as lost,
          (count(*) filter (where outcome = 'open'))::int as open, sum(amount) filter (where outcome = 'won') as revenue_won
        from touched group by asset_id, currency`);
      const wonByCurrency = new Map<string, number>();
      for (const deal of deals) wonByCurrency.set(deal.currency, (wonByCurrency.get(deal.currency) ?? 0) + deal.won);
      const currency = [...wonByCurrency].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
      const perAsset = new Map<string, { assetId: string; wonDeals: number; lostDeals: number; openDeals: number; revenueWon: number; otherRevenueWon: Record<string, number> }>();
      for (const deal of deals) {
        const entry = perAsset.get(deal.asset_id) ?? { assetId: deal.asset_id, wonDeals: 0, lostDeals: 0, openDeals: 0, revenueWon: 0, otherRevenueWon: {} };
        entry.wonDeals += deal.won;
        entry.lostDeals += deal.lost;
        entry.openDeals += deal.open;
        const revenue = Number(deal.revenue_won ?? 0);
        if (deal.currency === currency) entry.revenueWon += revenue;
        else if (revenue > 0) entry.otherRevenueWon[deal.currency] = revenue;
        perAsset.set(deal.asset_id, entry);
      }
      const items = [...perAsset.values()].map((entry) => {
        const closed = entry.wonDeals + entry.lostDeals;
        return {
          ...entry, revenueWon: Math.round(entry.revenueWon * 100) / 100, closedDeals: closed,
          winRate: closed ? Math.round((entry.wonDeals / closed) * 1000) / 1000 : null,
          winRateLow: Math.round(winRateLowerBound(entry.wonDeals, closed) * 1000) / 1000,
          ranked: closed >= MIN_RANKED_DEALS,
        };
      }).sort((a, b) => Number(b.ranked) - Number(a.ranked) || b.winRateLow - a.winRateLow || b.revenueWon - a.revenueWon || b.closedDeals - a.closedDeals);
      return {
        days, currency, minDeals: MIN_RANKED_DEALS,
        rankedBy: `the 95 % lower bound of the win rate (Wilson), for assets shared in at least ${MIN_RANKED_DEALS} closed deals`,
        items: await withAssets(db, items),
      };
    },
  };
}

export type InfluenceService = ReturnType<typeof influenceService>;
