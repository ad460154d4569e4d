// Influence: the CRM posts deals (idempotent by externalId) or imports them as CSV (bad rows named, the good ones
// imported or none), and the report says which assets were shared in deals won and lost, the revenue they touched,
// and a win rate with the deals behind it.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { approvedAsset } from '../support/assets.ts';

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'] });
type Headers = Record<string, string>;

const post = (headers: Headers, body: object) => t.app.inject({ method: 'POST', url: '/api/opportunities', headers, payload: body });
const importCsv = (csv: string, query = '', headers: Headers = t.marketing, type = 'text/csv') =>
  t.app.inject({ method: 'POST', url: `/api/opportunities/import${query}`, headers: { ...headers, 'content-type': type }, payload: csv });
const deal = (externalId: string, outcome: string, amount: number | string, extra: object = {}) =>
  ({ externalId, name: `Deal ${externalId}`, amount, currency: 'EUR', stage: outcome === 'open' ? 'Negotiation' : 'Closed', outcome, ...extra });

async function share(assetIds: string[], opportunity: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/shares', headers: t.sales, payload: { assetIds, recipient: 'buyer@example.com', allowDownload: false, opportunity } });
  expect(res.statusCode, res.body).toBe(201);
}

describe('opportunities', () => {
  it('records a deal, and the same externalId again updates it (201, then 200)', async () => {
    const first = await post(t.marketing, deal('OPP-1', 'open', 12000.5));
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ externalId: 'OPP-1', amount: 12000.5, currency: 'EUR', outcome: 'open', closedAt: null });
    const again = await post(t.marketing, deal('OPP-1', 'won', '13000', { closedAt: '2026-11-30' }));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ amount: 13000, outcome: 'won', closedAt: '2026-11-30T00:00:00.000Z' });
    expect((await t.app.inject({ method: 'GET', url: '/api/opportunities/OPP-1', headers: t.marketing })).json().outcome).toBe('won');
  });

  it('names the field that is wrong', async () => {
    const cases: [object, RegExp][] = [
      [deal('OPP-2', 'won', 1, { amount: '12,50' }), /amount/],
      [deal('OPP-2', 'won', -5), /amount/],
      [deal('OPP-2', 'won', 1.234), /amount/],
      [deal('OPP-2', 'won', 1, { currency: 'XYZ' }), /currency/],
      [deal('OPP-2', 'won', 1, { closedAt: 'yesterday' }), /closedAt/],
      [deal('OPP-2', 'maybe', 1), /outcome/],
      [deal('bad id!', 'won', 1), /externalId/],
      [{ ...deal('OPP-2', 'won', 1), extra: true }, /extra|additional/i],
    ];
    for (const [body, field] of cases) {
      const res = await post(t.marketing, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message, res.body).toMatch(field);
    }
    expect((await post(t.sales, deal('OPP-3', 'won', 1))).statusCode).toBe(403);
  });
});

describe('CSV import', () => {
  const csv = [
    'External ID,Name,Amount,Currency,Stage,Outcome,Closed At,Owner',
    'CSV-1,Acme renewal,5000,EUR,Closed Won,won,2026-11-01,Ann',
    'CSV-2,Globex,"1,200",EUR,Closed Won,won,2026-11-02,Bob',
    'CSV-3,"Initech, phase 2",800.5,usd,Proposal,open,,Cy',
    'CSV-4,Umbrella,100,EURO,Closed Lost,lost,2026-11-03,Di',
    'CSV-5,Hooli,300,EUR,Closed Lost,lost,2026-11-04,Ed',
  ].join('\n');

  it('checks before importing (a dry run), then imports the good rows and names each bad one', async () => {
    const before = await importCsv(csv, '?dryRun=true');
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toMatchObject({ mode: 'none', rows: 5, valid: 3, imported: 0, rejectedCount: 2 });
    expect((await t.app.inject({ method: 'GET', url: '/api/opportunities/CSV-1', headers: t.marketing })).statusCode).toBe(404);

    const after = await importCsv(csv);
    expect(after.json()).toMatchObject({
      mode: 'good-rows', rows: 5, valid: 3, imported: 3, created: 3, updated: 0, rejectedCount: 2,
      rejected: [{ row: 3, reason: expect.stringContaining('amount') }, { row: 5, reason: expect.stringContaining('currency') }],
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/opportunities/CSV-3', headers: t.marketing })).json()).toMatchObject({ name: 'Initech, phase 2', currency: 'USD', amount: 800.5 });
    // The same file again updates what it imported.
    expect((await importCsv(csv)).json()).toMatchObject({ imported: 3, created: 0, updated: 3 });
  });

  it('imports none when asked all-or-nothing and a row is bad', async () => {
    const res = await importCsv(csv.replaceAll('CSV-', 'ALL-'), '?allOrNothing=true');
    expect(res.json()).toMatchObject({ mode: 'none', imported: 0, rejectedCount: 2 });
    expect((await t.app.inject({ method: 'GET', url: '/api/opportunities/ALL-1', headers: t.marketing })).statusCode).toBe(404);
    const good = csv.replaceAll('CSV-', 'ALL-').split('\n').filter((_, i) => i !== 2 && i !== 4).join('\n');
    expect((await importCsv(good, '?allOrNothing=true')).json()).toMatchObject({ mode: 'good-rows', imported: 3 });
  });

  it('refuses what is not a readable CSV with a clear error', async () => {
    const missing = await importCsv('externalId,name,amount\nX-1,A,1');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/currency, stage, outcome/);
    const unclosed = await importCsv('externalId,name,amount,currency,stage,outcome\nX-1,"Acme,5,EUR,Won,won\n');
    expect(unclosed.statusCode, unclosed.body).toBe(400);
    expect((await importCsv('')).statusCode).toBe(400);
    expect((await importCsv('{"a":1}', '', t.marketing, 'application/json')).statusCode).toBe(415);
    expect((await importCsv(csv, '', t.sales)).statusCode).toBe(403);
  });

  it('imports 100,000 rows as they stream in', async () => {
    const lines = ['externalId,name,amount,currency,stage,outcome,closedAt'];
    for (let i = 0; i < 100_000; i++) lines.push(`BIG-${i},Deal ${i},${(i % 997) * 10}.25,EUR,Closed,${i % 3 === 0 ? 'won' : i % 3 === 1 ? 'lost' : 'open'},${i % 3 === 2 ? '' : '2026-10-01'}`);
    lines.push('BIG-bad,Broken,abc,EUR,Closed,won,');
    const started = performance.now();
    const res = await importCsv(lines.join('\n'));
    console.log(`imported 100,000 CSV rows in ${Math.round(performance.now() - started)} ms`);
    expect(res.json()).toMatchObject({ mode: 'good-rows', rows: 100_001, imported: 100_000, rejectedCount: 1, rejected: [{ row: 100_002 }] });
  }, 120_000);
});

describe('the influence report', () => {
  let deck: string;
  let study: string;

  beforeAll(async () => {
    deck = await approvedAsset(t, t.marketing, t.approver, { title: 'Pricing deck' });
    study = await approvedAsset(t, t.marketing, t.approver, { title: 'Case study' });
    await share([deck, study], 'INF-1');
    await share([deck], 'INF-2');
    await share([deck], 'INF-3');
    await share([study], 'INF-4');
    await share([deck], 'INF-OLD');
    const soon = new Date(Date.now() + 60_000).toISOString();
    for (const body of [
      deal('INF-1', 'won', 10000, { closedAt: soon }), deal('INF-2', 'won', 2500.5, { closedAt: soon }),
      deal('INF-3', 'lost', 9000, { closedAt: soon }), deal('INF-4', 'open', 700),
      // Closed before the link was sent: the share cannot have helped.
      deal('INF-OLD', 'won', 50000, { closedAt: '2026-01-01' }),
    ]) expect((await post(t.marketing, body)).statusCode).toBe(201);
  });

  it('counts the deals each asset was shared in, the revenue won, and a win rate with the deals behind it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/reports/influence?days=365', headers: t.marketing });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ currency: 'EUR', minDeals: 5 });
    const byTitle = Object.fromEntries(report.items.map((item: { asset: { title: string } }) => [item.asset.title, item]));
    expect(byTitle['Pricing deck']).toMatchObject({ wonDeals: 2, lostDeals: 1, openDeals: 0, closedDeals: 3, revenueWon: 12500.5, winRate: 0.667, ranked: false });
    expect(byTitle['Case study']).toMatchObject({ wonDeals: 1, lostDeals: 0, openDeals: 1, revenueWon: 10000, winRate: 1, ranked: false });
    // Three deals are not ranked against many: the lower bound is far below the rate.
    expect(byTitle['Pricing deck'].winRateLow).toBeLessThan(0.3);

    const one = (await t.app.inject({ method: 'GET', url: `/api/reports/influence?assetId=${study}`, headers: t.marketing })).json();
    expect(one.items.map((item: { asset: { id: string } }) => item.asset.id)).toEqual([study]);
    const csv = await t.app.inject({ method: 'GET', url: '/api/reports/influence?format=csv', headers: t.marketing });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toBe('assetId,title,wonDeals,lostDeals,openDeals,revenueWon (EUR),winRate,winRateLow,ranked');
    expect((await t.app.inject({ method: 'GET', url: '/api/reports/influence', headers: t.sales })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/reports/influence?days=0', headers: t.marketing })).statusCode).toBe(400);
  });

  it('asks whoever shared content in a deal, once it closes, whether it helped — once per deal and outcome', async () => {
    expect((await post(t.marketing, deal('INF-1', 'won', 10000, { closedAt: new Date(Date.now() + 60_000).toISOString() }))).statusCode).toBe(200);
    const told = ((await t.app.inject({ method: 'GET', url: '/api/notifications', headers: t.sales })).json().items as { kind: string; text: string; link: string }[])
      .filter((n) => n.kind === 'deal-closed');
    expect(told.map((n) => n.text.split(' — ')[0]).sort()).toEqual(['"Deal INF-1" was won', '"Deal INF-2" was won', '"Deal INF-3" was lost']);
    const first = told.find((n) => n.text.startsWith('"Deal INF-1"'))!;
    expect(first).toMatchObject({ link: `/assets/${deck}`, text: expect.stringContaining('You shared "Pricing deck" and 1 more in it. Did it help?') });
  });
});
