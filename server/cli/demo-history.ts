// Ninety days of what sales did with the demo library, made up with a seeded random source so every demo looks alike:
// searches (some clicked, some looked at and left, some finding nothing), views, downloads, copied links and
// presentations, on weekdays mostly and in working hours, with a few assets used a lot and most never. Written straight
// into usage_events and search_log with their dates in the past, in batches: the recorder and the search log only
// write "now", and going through them for thousands of rows would take minutes.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { searchLog, usageEvents } from '../db/schema.ts';
import { FRUITLESS_SEARCHES, UNCLICKED_SEARCHES, type DemoAsset, type Trend } from './demo-library.ts';

export type UsageRow = typeof usageEvents.$inferInsert;
export type SearchRow = typeof searchLog.$inferInsert;

/** A library asset as made: its catalogue entry, ids, and when it was live for sales. */
export interface MadeAsset { entry: DemoAsset; id: string; versionId: string | null; liveFrom: Date | null; liveUntil: Date | null }
export interface HistoryPerson { id: string; role: 'sales' | 'marketing' | 'approver'; activity: number }

export const HISTORY_DAYS = 90;
/** How far back the uses of assets used "before the 90 days" go. */
const EARLIER_DAYS = 200;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Monday to Friday carry the work; weekends see a little. Index: Date.getUTCDay() (0 = Sunday). */
const WEEKDAY_WEIGHT = [0.08, 1, 1.05, 1, 0.95, 0.75, 0.12];
const INSERT_BATCH = 1_000;
/** Hits a logged search keeps, as search does (its first page). */
const SHOWN_PER_SEARCH = 20;

/** mulberry32: small, fast and seedable; Math.random cannot be seeded. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pickWeighted<T>(random: () => number, items: T[], weight: (item: T, index: number) => number): T {
  const weights = items.map(weight);
  let left = random() * weights.reduce((a, b) => a + b, 0);
  for (const [i, item] of items.entries()) {
    left -= weights[i]!;
    if (left <= 0) return item;
  }
  return items[items.length - 1]!;
}

const fold = (text: string) => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

export function generateHistory(assets: MadeAsset[], people: HistoryPerson[], now: Date, random: () => number): { events: UsageRow[]; searches: SearchRow[] } {
  const events: UsageRow[] = [];
  const searches: SearchRow[] = [];
  const sales = people.filter((p) => p.role === 'sales');
  const staff = people.filter((p) => p.role !== 'sales');
  const live = (at: Date) => assets.filter((a) => a.liveFrom && a.liveFrom <= at && (!a.liveUntil || a.liveUntil > at));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());

  /** A moment in working hours, `daysAgo` days before today (1 = yesterday: nothing lands in the future). */
  const momentOn = (daysAgo: number) => {
    const hour = pickWeighted(random, [8, 9, 10, 11, 12, 13, 14, 15, 16, 17], (h) => (h === 12 ? 0.6 : h >= 9 && h <= 11 ? 1.4 : 1));
    return new Date(today - daysAgo * DAY_MS + hour * 3_600_000 + Math.floor(random() * 3_600_000));
  };
  /** A day between `newest` and `oldest` days ago, weighted by weekday and by the asset's trend. */
  const dayBetween = (newest: number, oldest: number, trend: Trend = 'steady') => {
    const days = Array.from({ length: Math.max(1, oldest - newest + 1) }, (_, i) => newest + i);
    return pickWeighted(random, days, (daysAgo) => {
      const weekday = WEEKDAY_WEIGHT[new Date(today - daysAgo * DAY_MS).getUTCDay()]!;
      const recency = 1 - daysAgo / HISTORY_DAYS; // 0 at the start of the window, 1 today
      const shape = trend === 'rising' ? 0.3 + 1.7 * recency : trend === 'fading' ? Math.max(0.05, 1.9 - 2 * recency) : 1;
      return weekday * shape;
    });
  };
  const later = (at: Date, minMinutes: number, maxMinutes: number) => new Date(at.getTime() + (minMinutes + random() * (maxMinutes - minMinutes)) * MINUTE_MS);
  const event = (asset: MadeAsset, userId: string, kind: UsageRow['kind'], at: Date, counted = true, queryId: string | null = null) =>
    events.push({ assetId: asset.id, versionId: asset.versionId, userId, kind, counted, queryId, at });

  /** The live assets a sales search finds: those matching any of its words, within its filters. */
  const found = (query: string, filters: Record<string, string[]>, at: Date): MadeAsset[] => {
    const words = fold(query).split(/[^a-z0-9]+/).filter((w) => w.length >= 3 || w === 'roi');
    return live(at).filter(({ entry }) => {
      const text = fold(`${entry.title} ${entry.description} ${entry.tags.join(' ')}`);
      const inFilters = (filters.persona ?? []).every((p) => entry.personas.includes(p)) && (filters.stage ?? []).every((s) => entry.stages.includes(s));
      return inFilters && words.some((w) => text.includes(w));
    });
  };
  /** Logs a search that showed `shown` (the clicked asset first among them, when one was clicked). */
  const search = (userId: string, query: string, filters: Record<string, string[]>, at: Date, shown: MadeAsset[], clicked?: { asset: MadeAsset; at: Date }) => {
    const id = randomUUID();
    const hits = clicked ? [clicked.asset, ...shown.filter((a) => a !== clicked.asset)] : shown;
    searches.push({
      id, userId, query, filters, resultCount: hits.length, shownAssetIds: hits.slice(0, SHOWN_PER_SEARCH).map((a) => a.id),
      clickedAssetId: clicked?.asset.id ?? null, clickedAt: clicked?.at ?? null, at,
    });
    return id;
  };

  /** One occasion of use: found by a search or opened from the library, then maybe downloaded, shared, presented. */
  const occasion = (asset: MadeAsset, daysAgo: number, withSearch: boolean) => {
    const person = pickWeighted(random, sales, (p) => p.activity);
    const start = momentOn(daysAgo);
    const queries = asset.entry.queries ?? [];
    let at = start;
    if (withSearch && queries.length && random() < 0.55) {
      const query = pickWeighted(random, queries, (_, i) => 1 / (i + 1));
      // Some searches narrow by the asset's persona or stage, as the filters on the search page allow.
      const filters: Record<string, string[]> = random() < 0.2 ? (random() < 0.5 ? { persona: [asset.entry.personas[0]!] } : { stage: [asset.entry.stages[0]!] }) : {};
      const clickAt = later(start, 0.1, 0.8);
      const queryId = search(person.id, query, filters, start, found(query, filters, start), { asset, at: clickAt });
      event(asset, person.id, 'click', clickAt, true, queryId);
      at = clickAt;
      if (random() < 0.4) event(asset, person.id, 'view', at = later(at, 0.5, 2));
    } else {
      event(asset, person.id, 'view', at);
    }
    if (random() < 0.5) event(asset, person.id, 'download', at = later(at, 1, 12));
    if (random() < 0.15) event(asset, person.id, 'copy_link', later(at, 1, 30));
    const presentedChance = asset.entry.format === 'pptx' ? 0.35 : asset.entry.format === 'pdf' ? 0.08 : 0;
    if (random() < presentedChance) event(asset, person.id, 'presented', later(at, 60, 300));
  };

  const daysLive = (asset: MadeAsset) => (asset.liveFrom ? Math.floor((today - asset.liveFrom.getTime()) / DAY_MS) : 0);
  for (const asset of assets) {
    const { entry } = asset;
    const oldest = Math.min(HISTORY_DAYS - 1, daysLive(asset));
    for (let n = 0; n < (entry.uses ?? 0) && oldest >= 1; n++) occasion(asset, dayBetween(1, oldest, entry.trend), true);
    // Used once, then no more: their last use lies before the 90 days (and before they were retired).
    const retired = asset.liveUntil ? Math.ceil((today - asset.liveUntil.getTime()) / DAY_MS) : 0;
    const newest = Math.max(HISTORY_DAYS + 1, retired + 1);
    const earliest = Math.min(EARLIER_DAYS, daysLive(asset));
    for (let n = 0; n < (entry.earlierUses ?? 0) && earliest > newest; n++) occasion(asset, dayBetween(newest, earliest), false);
  }

  // Searches that found something nobody opened, and searches for what nobody has made yet.
  const anyQueries = [...UNCLICKED_SEARCHES, ...assets.flatMap((a) => a.entry.queries ?? [])];
  for (let n = 0; n < 260; n++) {
    const at = momentOn(dayBetween(1, HISTORY_DAYS - 1));
    const query = anyQueries[Math.floor(random() * anyQueries.length)]!;
    search(pickWeighted(random, sales, (p) => p.activity).id, query, {}, at, found(query, {}, at));
  }
  for (let n = 0; n < 110; n++) {
    const fruitless = pickWeighted(random, FRUITLESS_SEARCHES, (s) => s.weight);
    search(pickWeighted(random, sales, (p) => p.activity).id, fruitless.query, fruitless.filters ?? {}, momentOn(dayBetween(1, HISTORY_DAYS - 1)), []);
  }

  // Marketing and approvers look at the library too; kept, but not counted as use.
  const looked = assets.filter((a) => a.liveFrom && daysLive(a) >= 2);
  for (let n = 0; n < 45 && staff.length && looked.length; n++) {
    const asset = looked[Math.floor(random() * looked.length)]!;
    const person = staff[Math.floor(random() * staff.length)]!;
    const at = momentOn(dayBetween(1, Math.min(HISTORY_DAYS - 1, daysLive(asset))));
    event(asset, person.id, random() < 0.7 ? 'view' : 'download', at, false);
  }

  events.sort((a, b) => a.at!.getTime() - b.at!.getTime());
  searches.sort((a, b) => a.at!.getTime() - b.at!.getTime());
  return { events, searches };
}

/** Inserts the rows in batches, in one transaction: the history is all there or not at all. */
export async function insertHistory(db: Db, history: { events: UsageRow[]; searches: SearchRow[] }, progress: (line: string) => void): Promise<void> {
  await db.transaction(async (tx) => {
    // Searches first: usage_events.query_id points at them (by value, not by a foreign key, but in that order all the same).
    for (let i = 0; i < history.searches.length; i += INSERT_BATCH) {
      await tx.insert(searchLog).values(history.searches.slice(i, i + INSERT_BATCH));
      progress(`wrote ${Math.min(i + INSERT_BATCH, history.searches.length)}/${history.searches.length} searches`);
    }
    for (let i = 0; i < history.events.length; i += INSERT_BATCH) {
      await tx.insert(usageEvents).values(history.events.slice(i, i + INSERT_BATCH));
      progress(`wrote ${Math.min(i + INSERT_BATCH, history.events.length)}/${history.events.length} usage events`);
    }
  });
}
