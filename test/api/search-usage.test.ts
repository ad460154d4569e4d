import { beforeAll, describe, expect, it } from 'vitest';
import { usageEvents } from '../../server/db/schema.ts';
import { aMinuteLater } from '../support/clock.ts';
import { useTestApp } from '../support/app.ts';
import { approvedAsset } from '../support/assets.ts';

// Usage ranks by people and days, not by events: one person's repeats on a day count once.

const t = useTestApp({ signIn: ['marketing', 'approver'] });
let enthusiast: Record<string, string>;
let colleagues: Record<string, string>[];

beforeAll(async () => {
  [enthusiast, ...colleagues] = await Promise.all([t.as('sales'), t.as('sales'), t.as('sales'), t.as('sales')]);
});

interface Hit { asset: { id: string }; usage: { last30Days: number; people30Days: number } }
interface Result { total: number; hits: Hit[] }

async function found(headers: Record<string, string>, query: Record<string, string> = {}): Promise<Result> {
  const res = await t.app.inject({ method: 'GET', url: '/api/search', headers, query: { limit: '100', ...query } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function use(headers: Record<string, string>, assetId: string, kind: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/events', headers, payload: { assetId, kind } });
  expect(res.statusCode, res.body).toBe(202);
}

/** One person's busy morning with an asset: a dozen events of every kind, downloads included. */
async function dozenUses(headers: Record<string, string>, assetId: string) {
  for (let i = 0; i < 10; i++) {
    await use(headers, assetId, ['view', 'click', 'copy_link', 'presented'][i % 4]!);
    aMinuteLater();
  }
  for (let i = 0; i < 2; i++) {
    const res = await t.app.inject({ method: 'GET', url: `/api/assets/${assetId}/download`, headers });
    expect(res.statusCode).toBe(200);
    aMinuteLater();
  }
}

const order = (result: Result, ids: string[]) => result.hits.map((h) => h.asset.id).filter((id) => ids.includes(id));
const usageOf = (result: Result, id: string) => result.hits.find((h) => h.asset.id === id)!.usage;

describe('ranking by use', () => {
  it('counts one person\'s dozen uses of an asset as one, and three people as three, in search and on the home page', async () => {
    // Approved in this order, so freshness alone would put the enthusiast's asset first and the team's last.
    const team = await approvedAsset(t, t.marketing, t.approver, { title: 'Quokka battlecard' });
    const quiet = await approvedAsset(t, t.marketing, t.approver, { title: 'Quokka battlecard' });
    const favourite = await approvedAsset(t, t.marketing, t.approver, { title: 'Quokka battlecard' });
    const assets = [team, quiet, favourite];
    await dozenUses(enthusiast, favourite);
    for (const colleague of colleagues) await use(colleague, team, 'view');
    await t.app.services.search.refreshUsage();

    const searched = await found(enthusiast, { q: 'quokka' });
    expect(order(searched, assets)).toEqual([team, favourite, quiet]);
    expect(usageOf(searched, favourite)).toEqual({ last30Days: 12, people30Days: 1 });
    expect(usageOf(searched, team)).toEqual({ last30Days: 3, people30Days: 3 });
    expect(usageOf(searched, quiet)).toEqual({ last30Days: 0, people30Days: 0 });
    expect(order(await found(colleagues[0]!, {}), assets)).toEqual([team, favourite, quiet]);

    // Another dozen the same day changes nothing; the hourly recount agrees with the refresh after each batch.
    await dozenUses(enthusiast, favourite);
    await t.app.services.search.refreshUsage();
    expect(order(await found(enthusiast, { q: 'quokka' }), assets)).toEqual([team, favourite, quiet]);
    await t.app.services.search.refreshUsage(true);
    const recounted = await found(enthusiast, { q: 'quokka' });
    expect(order(recounted, assets)).toEqual([team, favourite, quiet]);
    expect(usageOf(recounted, favourite)).toEqual({ last30Days: 24, people30Days: 1 });
  });

  it('counts a person once a day: one person on four days outranks two people on one', async () => {
    const daily = await approvedAsset(t, t.marketing, t.approver, { title: 'Wombat pricing' });
    const pair = await approvedAsset(t, t.marketing, t.approver, { title: 'Wombat pricing' });
    const db = t.app.services.database.db;
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: enthusiast });
    const day = 86_400_000;
    await db.insert(usageEvents).values([1, 2, 3].flatMap((ago) => [0, 1, 2].map((n) => ({
      assetId: daily, userId: me.json().id as string, kind: 'view', counted: true, at: new Date(Date.now() - ago * day - n * 60_000),
    }))));
    await use(enthusiast, daily, 'view');
    await use(colleagues[0]!, pair, 'view');
    await use(colleagues[1]!, pair, 'presented');
    await t.app.services.search.refreshUsage();
    const result = await found(enthusiast, { q: 'wombat' });
    expect(order(result, [daily, pair])).toEqual([daily, pair]);
    expect(usageOf(result, daily)).toEqual({ last30Days: 10, people30Days: 1 });
    expect(usageOf(result, pair)).toEqual({ last30Days: 2, people30Days: 2 });
  });

  it('does not count marketing handling its own content', async () => {
    const handled = await approvedAsset(t, t.marketing, t.approver, { title: 'Numbat guide' });
    for (let i = 0; i < 3; i++) await use(t.marketing, handled, 'view');
    await t.app.services.search.refreshUsage();
    expect(usageOf(await found(enthusiast, { q: 'numbat' }), handled)).toEqual({ last30Days: 0, people30Days: 0 });
  });
});
