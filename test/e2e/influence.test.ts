// Influence in a real browser (issue 18): marketing imports the CRM's deals as a CSV on Reports — the file is checked
// first, the bad row named, the good rows imported — and sees which assets were shared in deals won and lost, there
// and on the asset's page. Screenshots of the check and the panel; axe-core on the page.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { approvedAsset } from '../support/assets.ts';
import { seriousViolations } from '../support/axe.ts';
import { apiSession, describeInBrowser, screenshot, signIn, startE2E, TEAM, type E2E } from '../support/e2e-browser.ts';

const people = TEAM;

describeInBrowser('influence in the browser', () => {
  let e2e: E2E;
  let context: BrowserContext;
  let page: Page;
  let deck: string;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    const marketing = await apiSession(e2e, people.marketing.email);
    const approver = await apiSession(e2e, people.approver.email);
    const sky = await apiSession(e2e, people.sky.email);
    deck = await approvedAsset(e2e.t, marketing, approver, { title: 'ROI calculator deck' });
    for (const opportunity of ['OPP-1', 'OPP-2', 'OPP-3']) {
      const res = await e2e.t.app.inject({ method: 'POST', url: '/api/shares', headers: sky, payload: { assetIds: [deck], recipient: 'buyer@example.com', allowDownload: true, opportunity } });
      expect(res.statusCode, res.body).toBe(201);
    }
    context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => scriptErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await e2e?.close();
  });

  it('checks a CSV of deals, names the bad row, imports the good ones and shows the deals per asset', async () => {
    await signIn(page, e2e.baseUrl, people.marketing.email);
    await page.goto(`${e2e.baseUrl}/reports?days=30`);
    const panel = page.getByRole('region', { name: 'Influence on deals' });
    await panel.getByText('No deals linked yet').waitFor();
    await panel.getByRole('button', { name: 'Import deals' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import deals from the CRM' });
    const soon = new Date(Date.now() + 60_000).toISOString();
    const csv = [
      'externalId,name,amount,currency,stage,outcome,closedAt',
      `OPP-1,Acme,12000,EUR,Closed Won,won,${soon}`,
      `OPP-2,Globex,8000,EUR,Closed Lost,lost,${soon}`,
      'OPP-3,Initech,"5,000",EUR,Proposal,open,',
      'OPP-4,Hooli,3000,EUR,Proposal,open,',
    ].join('\n');
    await dialog.getByLabel('CSV file').setInputFiles({ name: 'deals.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByText('4 rows:').waitFor();
    await expect(dialog.getByRole('list', { name: 'Rows with a problem' }).innerText()).resolves.toMatch(/Row 4: amount "5,000" is not an amount/);
    await screenshot(page, '85-influence-import-check', { fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Import 3 deals' }).click();
    await dialog.getByText('Imported 3 deals: 3 new, 0 updated.').waitFor();
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();

    const row = panel.getByRole('row', { name: /ROI calculator deck/ });
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/1\s+1[\s\S]*€12,000[\s\S]*50%[\s\S]*of 2 deals · too few to rank/);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, '86-influence-panel', { fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${e2e.baseUrl}/assets/${deck}`);
    const deals = page.getByRole('region', { name: 'Deals' });
    await deals.getByText(/Shared in 1 won, 1 lost and 0 open deals/).waitFor();
    await expect(deals.innerText()).resolves.toMatch(/€12,000 won · win rate 50% of 2 deals \(too few to rank\)/);
    expect(scriptErrors).toEqual([]);
  }, 90_000);
});
