// POST /api/events: what the browser reports, checked like any request (unknown asset or kind, hidden assets), and
// a flood from one person slowed for that person alone.
import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { usageEvents } from '../../server/db/schema.ts';
import { useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';
import { aMinuteLater } from '../support/clock.ts';
import { MAX_EVENTS_PER_BATCH } from '../../server/usage/routes.ts';

const PER_MINUTE = 5;
const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'], config: { eventsPerMinute: PER_MINUTE } });
let assetId: string;

beforeAll(async () => {
  assetId = await approvedAsset(t, t.marketing, t.approver, { title: 'Pricing deck' });
});

const event = (headers: Record<string, string>, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/events', headers, payload });

async function eventsOf(asset: string) {
  await t.app.services.usage.flush();
  const [row] = await t.app.services.database.db.select({ n: count() }).from(usageEvents).where(eq(usageEvents.assetId, asset));
  return row!.n;
}

describe('POST /api/events', () => {
  it('refuses an unknown kind (400), an unknown asset and one the user cannot see (404), and records none of them', async () => {
    const draft: string = (await upload(t, t.marketing, { title: 'Draft' })).json().id;
    expect((await event(t.sales, { assetId, kind: 'preview' })).statusCode).toBe(400);
    expect((await event(t.sales, { assetId: '00000000-0000-4000-8000-000000000000', kind: 'view' })).statusCode).toBe(404);
    expect((await event(t.sales, { assetId: draft, kind: 'view' })).statusCode).toBe(404);
    expect(await eventsOf(draft)).toBe(0);
  });

  it('slows a flood from one person with 429 and Retry-After, while others report and search as before', async () => {
    const flooder = await t.as('sales', 'flooder@example.com');
    const before = await eventsOf(assetId);
    const answers = [];
    for (let i = 0; i < PER_MINUTE + 3; i++) answers.push(await event(flooder, { assetId, kind: 'view' }));
    expect(answers.slice(0, PER_MINUTE).map((a) => a.statusCode)).toEqual(Array(PER_MINUTE).fill(202));
    const refused = answers[PER_MINUTE]!;
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The same view again and again within seconds is one use: recorded once.
    expect(await eventsOf(assetId)).toBe(before + 1);

    // The flooder's own searches and downloads, and another person's events, are not limited by it.
    expect((await t.app.inject({ method: 'GET', url: '/api/search?q=pricing', headers: flooder })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/assets/${assetId}/download`, headers: flooder })).statusCode).toBe(200);
    expect((await event(t.sales, { assetId, kind: 'presented' })).statusCode).toBe(202);
  });

  it('counts a burst once: a double click, a preview opened again, a download restarted, and no range resumed from the middle', async () => {
    const burst = await approvedAsset(t, t.marketing, t.approver, { title: 'Burst deck' });
    const person = await t.as('sales', 'burst@example.com');
    const download = (range?: string) => t.app.inject({ method: 'GET', url: `/api/assets/${burst}/download`, headers: { ...person, ...(range && { range }) } });
    for (let i = 0; i < 2; i++) expect((await event(person, { assetId: burst, kind: 'view' })).statusCode).toBe(202);
    expect((await event(person, { assetId: burst, kind: 'presented' })).statusCode).toBe(202);
    expect((await download()).statusCode).toBe(200);
    expect((await download()).statusCode).toBe(200);
    expect((await download('bytes=10-')).statusCode).toBe(206);
    // Someone else's view of the same asset is theirs.
    expect((await event(t.sales, { assetId: burst, kind: 'view' })).statusCode).toBe(202);
    expect(await eventsOf(burst)).toBe(4);

    // A minute on, the same view is a new use.
    aMinuteLater();
    expect((await event(person, { assetId: burst, kind: 'view' })).statusCode).toBe(202);
    expect(await eventsOf(burst)).toBe(5);
  });
});

describe('POST /api/events/batch', () => {
  const batch = (headers: Record<string, string>, events: unknown) =>
    t.app.inject({ method: 'POST', url: '/api/events/batch', headers, payload: { events } });

  it('records the events about assets the user can see and names, by position, the ones it refused', async () => {
    const person = await t.as('sales', 'batcher@example.com');
    const other = await approvedAsset(t, t.marketing, t.approver, { title: 'Batch deck' });
    const draft: string = (await upload(t, t.marketing, { title: 'Batch draft' })).json().id;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const [before, otherBefore] = [await eventsOf(assetId), await eventsOf(other)];
    const answer = await batch(person, [
      { assetId, kind: 'view' }, { assetId: draft, kind: 'view' }, { assetId: other, kind: 'presented' },
      { assetId: unknown, kind: 'copy_link' }, { assetId: other, kind: 'copy_link' },
    ]);
    expect(answer.statusCode).toBe(202);
    expect(answer.json()).toEqual({
      accepted: 3,
      refused: [{ index: 1, assetId: draft, code: 'ASSET_NOT_FOUND' }, { index: 3, assetId: unknown, code: 'ASSET_NOT_FOUND' }],
    });
    expect([await eventsOf(assetId), await eventsOf(other), await eventsOf(draft)]).toEqual([before + 1, otherBefore + 2, 0]);
  });

  it('refuses, as a whole, a batch that is empty, too long, or holds one malformed event (400), recording nothing', async () => {
    const person = await t.as('sales', 'bad-batcher@example.com');
    const before = await eventsOf(assetId);
    for (const events of [[], Array(MAX_EVENTS_PER_BATCH + 1).fill({ assetId, kind: 'view' }), [{ assetId, kind: 'view' }, { assetId, kind: 'preview' }], 'view']) {
      const answer = await batch(person, events);
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({ statusCode: 400, message: expect.stringMatching(/^invalid body/) });
    }
    expect(await eventsOf(assetId)).toBe(before);
  });

  it('is slowed by the same per-person limit as single events', async () => {
    const person = await t.as('sales', 'batch-flooder@example.com');
    const answers = [];
    for (let i = 0; i < PER_MINUTE + 1; i++) answers.push((await batch(person, [{ assetId, kind: 'view' }])).statusCode);
    expect(answers).toEqual([...Array(PER_MINUTE).fill(202), 429]);
    expect((await event(person, { assetId, kind: 'view' })).statusCode).toBe(429);
  });
});
