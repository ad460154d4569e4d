// Feedback on content: anyone who sees an asset says whether it helped, with a comment and the moment's context;
// marketing reads it per asset, the owner hears of it, and the per-asset report counts each person's latest word.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales', 'admin'] });
let deck: string;
let otherSales: Record<string, string>;

beforeAll(async () => {
  deck = await approvedAsset(t, t.marketing, t.approver, { title: 'Pricing deck' });
  otherSales = await t.as('sales', 'robin@example.com');
});

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload && { payload }) });
const give = (headers: Record<string, string>, body: object, id = deck) => api('POST', `/api/assets/${id}/feedback`, headers, body);

describe('feedback on content', () => {
  it('records "helped" with a comment and its context, on the version shown, and shows it to marketing', async () => {
    const res = await give(t.sales, {
      helpful: true, comment: '  Closed the <b>CFO</b> with slide 4  ',
      context: { persona: 'cfo', stage: 'evaluation', industry: 'retail', opportunity: 'OPP-42' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      assetId: deck, helpful: true, comment: 'Closed the <b>CFO</b> with slide 4',
      context: { persona: 'cfo', stage: 'evaluation', industry: 'retail', opportunity: 'OPP-42' }, user: { name: expect.any(String) },
    });
    expect(res.json().versionId).toEqual(expect.any(String));
    const read = await api('GET', `/api/assets/${deck}/feedback`, t.marketing);
    expect(read.statusCode).toBe(200);
    expect(read.json().counts).toEqual({ helpful: 1, notHelpful: 0 });
    // Text stays text: the HTML is stored and returned as written, never interpreted here.
    expect(read.json().items[0].comment).toBe('Closed the <b>CFO</b> with slide 4');
    expect((await api('GET', `/api/assets/${deck}/feedback`, t.sales)).statusCode).toBe(403);
  });

  it("counts each person's latest word once, and tells them what they said last", async () => {
    const asset = await approvedAsset(t, t.marketing, t.approver, { title: 'Case study' });
    expect((await give(t.sales, { helpful: true }, asset)).statusCode).toBe(201);
    expect((await give(t.sales, { helpful: false, comment: 'Outdated numbers' }, asset)).statusCode).toBe(201);
    expect((await give(otherSales, { helpful: true }, asset)).statusCode).toBe(201);
    const read = (await api('GET', `/api/assets/${asset}/feedback`, t.marketing)).json();
    expect(read.counts).toEqual({ helpful: 1, notHelpful: 1 });
    expect(read.items).toHaveLength(3);
    const mine = (await api('GET', `/api/assets/${asset}/feedback/mine`, t.sales)).json();
    expect(mine.feedback).toMatchObject({ helpful: false, comment: 'Outdated numbers' });
    expect((await api('GET', `/api/assets/${asset}/feedback/mine`, t.admin)).json()).toEqual({ feedback: null });
    // The per-asset report carries the counts, in JSON and CSV.
    const report = (await api('GET', '/api/reports/assets?days=30&limit=100', t.marketing)).json();
    expect(report.items.find((item: { asset: { id: string } }) => item.asset.id === asset)).toMatchObject({ helpful: 1, notHelpful: 1 });
    const csv = (await api('GET', '/api/reports/assets?days=30&format=csv', t.marketing)).body;
    const [header, ...lines] = csv.trim().split('\n');
    const columns = header!.split(',');
    const line = lines.find((l) => l.includes('Case study'))!.split(',');
    expect([line[columns.indexOf('helpful')], line[columns.indexOf('notHelpful')]]).toEqual(['1', '1']);
  });

  it("tells the asset's owner once a day per asset, not for their own feedback", async () => {
    const asset = await approvedAsset(t, t.marketing, t.approver, { title: 'Battlecard' });
    await give(t.sales, { helpful: false, comment: 'Missing the competitor X' }, asset);
    await give(otherSales, { helpful: true }, asset);
    await give(t.marketing, { helpful: true }, asset);
    const { items } = (await api('GET', '/api/notifications', t.marketing)).json();
    const about = items.filter((n: { link: string }) => n.link === `/assets/${asset}#feedback`);
    expect(about).toHaveLength(1);
    expect(about[0]).toMatchObject({ kind: 'feedback', read: false, text: expect.stringContaining('Missing the competitor X') });
    expect((await api('POST', `/api/notifications/${about[0].id}/read`, t.marketing)).statusCode).toBe(204);
    const after = (await api('GET', '/api/notifications', t.marketing)).json().items.find((n: { id: string }) => n.id === about[0].id);
    expect(after.read).toBe(true);
  });

  it('refuses feedback on an asset the user cannot see (404), and bad fields with the field named (400)', async () => {
    const draft: string = (await upload(t, t.marketing, { title: 'Draft' })).json().id;
    expect((await give(t.sales, { helpful: true }, draft)).statusCode).toBe(404);
    expect((await give(t.sales, { helpful: true }, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await api('GET', `/api/assets/${draft}/feedback/mine`, t.sales)).statusCode).toBe(404);
    const cases: [object, string][] = [
      [{}, 'helpful'],
      [{ helpful: 'yes' }, 'helpful'],
      [{ helpful: true, comment: 'x'.repeat(2001) }, 'comment'],
      [{ helpful: true, context: { persona: 'astronaut' } }, 'astronaut'],
      [{ helpful: true, context: { opportunity: '<script>' } }, 'opportunity'],
      [{ helpful: true, context: { mood: 'happy' } }, 'context'],
    ];
    for (const [body, named] of cases) {
      const res = await give(t.sales, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message, JSON.stringify(body)).toContain(named);
    }
  });
});
