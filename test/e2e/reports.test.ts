// The reports dashboard in a real browser (issue 16): the headline and its charts, the coverage heat map and its
// drill-down, the window picker, the CSV links, one-click archive and extend from the hints, a phone-width screen,
// and axe-core's check.
import { eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assets } from '../../server/db/schema.ts';
import { approvedAsset } from '../support/assets.ts';
import { seriousViolations } from '../support/axe.ts';
import { apiSession, describeInBrowser, screenshot, signIn, startE2E, type E2E } from '../support/e2e-browser.ts';
import { pdf, png, xlsx } from '../support/files.ts';

const people = {
  approver: { email: 'alex@example.com', name: 'Alex Approver', role: 'approver' },
  reviewer: { email: 'rene@example.com', name: 'René Reviewer', role: 'approver' },
  marketing: { email: 'max@example.com', name: 'Max Marketing', role: 'marketing' },
  sky: { email: 'sky@example.com', name: 'Sky Sales', role: 'sales' },
  sam: { email: 'sam@example.com', name: 'Sam Sales', role: 'sales' },
} as const;

const DAY = 86_400_000;

describeInBrowser('the reports dashboard in the browser', () => {
  let e2e: E2E;
  let context: BrowserContext;
  let page: Page;
  const ids: Record<string, string> = {};
  const scriptErrors: string[] = [];
  /** Paths and queries of the report requests the page made. */
  const asked: URL[] = [];
  /** The reviewer's session, to check from the server what the page did. */
  let reviewer: Record<string, string> = {};

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    const { t } = e2e;
    const login = (email: string) => apiSession(e2e, email);
    const marketing = await login(people.marketing.email);
    reviewer = await login(people.reviewer.email);
    const sky = await login(people.sky.email);
    const sam = await login(people.sam.email);

    ids.pricing = await approvedAsset(t, marketing, reviewer, { title: 'Pricing one-pager', personas: 'cfo', stages: 'awareness' },
      { name: 'Pricing-one-pager.pdf', content: await pdf(['Pricing for the CFO']), type: 'application/pdf' });
    ids.roi = await approvedAsset(t, marketing, reviewer, { title: 'ROI calculator', personas: 'cfo', stages: 'evaluation' },
      { name: 'ROI-calculator.xlsx', content: xlsx(['Annual savings']), type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    ids.security = await approvedAsset(t, marketing, reviewer, {
      title: 'Security whitepaper', personas: 'cio', stages: 'evaluation', expiresAt: new Date(Date.now() + 10 * DAY).toISOString(),
    }, { name: 'Security-whitepaper.pdf', content: await pdf(['Encryption at rest']), type: 'application/pdf' });
    ids.datasheet = await approvedAsset(t, marketing, reviewer, { title: 'Legacy datasheet', personas: 'procurement', stages: 'purchase' },
      { name: 'legacy.png', content: await png(120, 90, { r: 200, g: 120, b: 40 }), type: 'image/png' });
    // Live for four months: long enough, unused, to be a candidate for retiring.
    await t.app.services.database.db.update(assets).set({ approvedAt: new Date(Date.now() - 120 * DAY) }).where(eq(assets.id, ids.datasheet));
    await t.app.services.processing.drain();

    // Sales use the pricing page (downloads and a copied link), open the calculator without using it, and search for
    // something nobody made, in two spellings, filtered to a cell that has no content.
    const pricing = (await t.app.inject({ method: 'GET', url: `/api/assets/${ids.pricing}`, headers: sky })).json() as { downloadUrl: string };
    for (const who of [sky, sam]) {
      const download = await t.app.inject({ method: 'GET', url: pricing.downloadUrl, headers: who });
      expect(download.statusCode).toBe(200);
    }
    for (const [who, q] of [[sky, 'kubernetes'], [sam, 'Kubernetes'], [sky, 'calculator']] as const) {
      const filters = q === 'calculator' ? '' : '&persona=cfo&stage=purchase';
      const search = await t.app.inject({ method: 'GET', url: `/api/search?q=${q}${filters}`, headers: who });
      expect(search.statusCode).toBe(200);
    }
    // The calculator was shown by that last search and opened, never used.
    for (const [who, assetId, kind] of [[sky, ids.pricing, 'copy_link'], [sky, ids.roi, 'view']] as const) {
      const event = await t.app.inject({ method: 'POST', url: '/api/events', headers: who, payload: { assetId, kind } });
      expect(event.statusCode).toBe(202);
    }
    // Reports are fresh within a minute of an event (issue 16); wait until the uses show (expect.poll is for tests only).
    const usedAssets = async () => {
      const summary = await t.app.inject({ method: 'GET', url: '/api/reports/summary', headers: reviewer });
      return summary.statusCode === 200 ? (summary.json() as { usedAssets: number }).usedAssets : -1;
    };
    for (const until = Date.now() + 75_000; (await usedAssets()) !== 1;) {
      if (Date.now() > until) throw new Error(`the summary never showed the pricing page's use: usedAssets ${await usedAssets()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    // Reduced motion: charts draw at once, so the screenshots show them finished.
    context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 }, reducedMotion: 'reduce', acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/reports/')) asked.push(url);
    });
    await signIn(page, e2e.baseUrl, people.approver.email);
  }, 180_000);

  afterAll(async () => {
    await e2e?.close();
  });

  const panel = (name: string) => page.getByRole('region', { name });
  const headline = () => page.getByTestId('usage-headline');
  /** An element's text with its white space collapsed, as a reader sees it. */
  const text = async (locator: { textContent(): Promise<string | null> }) => (await locator.textContent())?.replace(/\s+/g, ' ').trim() ?? '';
  const assetStatus = async (id: string) =>
    ((await e2e.t.app.inject({ method: 'GET', url: `/api/assets/${id}`, headers: reviewer })).json() as { status: string }).status;
  /** The requests for one report since `since` (an index into `asked`). */
  const requestsFor = (report: string, since: number) => asked.slice(since).filter((url) => url.pathname === `/api/reports/${report}`);

  describe('the dashboard', () => {
    it('is linked in the header and opens with the headline and its charts', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
      await expect.poll(() => text(headline()))
        .toBe('25 % of live content used in the last 90 days');
      // The doughnut and the trend line, each drawn and named for screen readers.
      const charts = page.locator('[role="img"]:has(canvas)');
      await expect.poll(() => charts.count()).toBe(2);
      await expect(charts.first().getAttribute('aria-label')).resolves.toBe('Used 1 of 4 live assets, not used 3');
      for (const canvas of await page.locator('canvas').all()) {
        const drawn = await canvas.evaluate((el: HTMLCanvasElement) => el.width > 0 && el.height > 0
          && el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data.some((value, i) => i % 4 === 3 && value > 0));
        expect(drawn).toBe(true);
      }
      await expect(panel('Trend').getByRole('img').getAttribute('aria-label')).resolves.toMatch(/^Daily trend, in all: uses 2, views 1, downloads 2,/);
      await panel('Unused content').getByText('Opened, not used').waitFor();
      await panel('Top assets').getByText(/^How it is scored/).waitFor();
      await panel('Search gaps').getByText(/^“kubernetes”$/i).waitFor();
      await screenshot(page, '60-reports-dashboard');
      expect(scriptErrors).toEqual([]);
    });

    it('lists the unused assets with the reason for each', async () => {
      const unused = panel('Unused content').getByRole('list', { name: 'Unused assets' }).getByRole('listitem');
      await expect.poll(() => unused.count()).toBe(3);
      const rows = await unused.allTextContents();
      expect(rows.find((row) => row.includes('ROI calculator'))).toMatch(/Opened, not used/);
      expect(rows.find((row) => row.includes('Security whitepaper'))).toMatch(/Expiring/);
      expect(rows.find((row) => row.includes('Legacy datasheet'))).toMatch(/live 120 days/);
    });
  });

  describe('the coverage heat map', () => {
    it('is a table with a caption, a gap marked in words, and a cell that opens by keyboard', async () => {
      const table = panel('Coverage by persona and stage').getByRole('table');
      await expect(table.locator('caption').textContent()).resolves.toBe('Use of live content by persona and buying stage, last 90 days');
      await expect(table.getByRole('columnheader', { name: 'Awareness' }).count()).resolves.toBe(1);
      await expect(table.getByRole('rowheader', { name: 'CFO' }).count()).resolves.toBe(1);

      const gap = table.getByRole('button', { name: /^CFO, Purchase:/ });
      await expect(text(gap)).resolves.toMatch(/No content.*2 failed searches/);
      await gap.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'CFO × Purchase' });
      await dialog.waitFor();
      await dialog.getByText(/No live content here/).waitFor();
      const failed = dialog.getByRole('region', { name: 'Searches that found nothing' });
      await failed.getByText(/^“kubernetes”$/i).waitFor();
      await expect(text(failed)).resolves.toMatch(/2 times by 2 people/);
      await expect(seriousViolations(page, 'dialog[open]')).resolves.toEqual([]);
      await screenshot(page, '61-reports-cell-gap', { fullPage: false });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    });

    it('lists a cell\'s assets with their uses on a click', async () => {
      const cell = panel('Coverage by persona and stage').getByRole('button', { name: /^CFO, Awareness:/ });
      await expect(text(cell)).resolves.toMatch(/2 uses.*1 of 1 asset used/);
      const since = asked.length;
      await cell.click();
      const dialog = page.getByRole('dialog', { name: 'CFO × Awareness' });
      const assetsHere = dialog.getByRole('region', { name: 'Assets in this cell' });
      await assetsHere.getByRole('link', { name: 'Pricing one-pager' }).waitFor();
      await expect(text(assetsHere)).resolves.toMatch(/2 uses/);
      expect(requestsFor('assets', since).map((url) => url.search)).toContainEqual(expect.stringMatching(/persona=cfo&stage=awareness/));
      expect(requestsFor('searches', since).map((url) => url.search)).toContainEqual(expect.stringMatching(/persona=cfo&stage=awareness/));
      await screenshot(page, '62-reports-cell-assets', { fullPage: false });
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'hidden' });
    });
  });

  describe('the window and the CSV files', () => {
    it('reloads every report for another window', async () => {
      const since = asked.length;
      await page.getByRole('group', { name: 'Report window' }).getByRole('button', { name: '30 days' }).click();
      await expect.poll(() => new URL(page.url()).search).toBe('?days=30');
      await expect.poll(() => text(headline()))
        .toBe('25 % of live content used in the last 30 days');
      for (const report of ['summary', 'coverage', 'unused', 'assets', 'searches', 'trend', 'hints']) {
        expect(requestsFor(report, since).map((url) => url.searchParams.get('days')), report).toContain('30');
      }
      await expect(page.getByRole('button', { name: '30 days' }).getAttribute('aria-pressed')).resolves.toBe('true');
    });

    it('switches the trend to weeks', async () => {
      const since = asked.length;
      await panel('Trend').getByRole('button', { name: 'By week' }).click();
      await expect.poll(() => requestsFor('trend', since).map((url) => url.searchParams.get('interval'))).toContain('week');
      await expect.poll(async () => panel('Trend').getByRole('img').getAttribute('aria-label')).toMatch(/^Weekly trend/);
    });

    it('offers each list as a CSV file of the window shown', async () => {
      const link = panel('Unused content').getByRole('link', { name: /^CSV/ });
      await expect(link.getAttribute('href')).resolves.toBe('/api/reports/unused?format=csv&days=30');
      for (const name of ['Coverage by persona and stage', 'Retire or refresh', 'Top assets', 'Search gaps', 'Trend']) {
        await expect(panel(name).getByRole('link', { name: /^CSV/ }).getAttribute('href'), name).resolves.toMatch(/format=csv&days=30/);
      }
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const file = await download.path();
      const { readFileSync } = await import('node:fs');
      const text = readFileSync(file, 'utf8');
      const [header, ...lines] = text.trim().split(/\r?\n/);
      expect(header).toMatch(/title/i);
      expect(lines.some((line) => line.includes('ROI calculator'))).toBe(true);
    });
  });

  describe('retire and refresh hints', () => {
    it('archives a long-unused asset in one click, with an undo', async () => {
      const hints = panel('Retire or refresh');
      const row = hints.getByRole('listitem').filter({ hasText: 'Legacy datasheet' });
      await expect(text(row)).resolves.toMatch(/Retire\?.*Live for 120 days, not used in the last 30 days/);
      await screenshot(page, '63-reports-hints', { fullPage: false });
      await row.getByRole('button', { name: 'Archive Legacy datasheet' }).click();
      await row.getByText('Archived', { exact: true }).waitFor();
      await expect.poll(() => assetStatus(ids.datasheet)).toBe('archived');
      // The headline follows: three live assets left, one of them used.
      await expect.poll(() => text(headline()))
        .toBe('33.3 % of live content used in the last 30 days');

      await row.getByRole('button', { name: 'Undo archiving Legacy datasheet' }).click();
      await row.getByRole('button', { name: 'Archive Legacy datasheet' }).waitFor();
      await expect.poll(() => assetStatus(ids.datasheet)).toBe('approved');
    });

    it('sends a later expiry of a live asset for review, and says so', async () => {
      const row = panel('Retire or refresh').getByRole('listitem').filter({ hasText: 'Security whitepaper' });
      await expect(text(row)).resolves.toMatch(/Expiring/);
      await row.getByRole('button', { name: /^Extend expiry of Security whitepaper/ }).click();
      await row.getByText(/sent for review/).waitFor();
      await screenshot(page, '64-reports-extended', { fullPage: false });
      const asset = (await e2e.t.app.inject({ method: 'GET', url: `/api/assets/${ids.security}`, headers: reviewer })).json() as { status: string; expiresAt: string; pendingChanges: { values: { expiresAt?: string } } | null };
      expect(asset.status).toBe('in_review');
      // Sales keep the approved expiry until another approver approves the later one.
      expect(Date.parse(asset.expiresAt)).toBeLessThan(Date.now() + 11 * DAY);
      expect(Date.parse(asset.pendingChanges!.values.expiresAt!)).toBeGreaterThan(Date.now() + 90 * DAY);
    });
  });

  describe('accessibility and small screens', () => {
    it('has no serious or critical axe finding', async () => {
      await expect(seriousViolations(page)).resolves.toEqual([]);
    });

    it('fits a phone screen', async () => {
      const phone = await context.newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(`${e2e.baseUrl}/reports`);
      await phone.getByTestId('usage-headline').waitFor();
      await phone.getByRole('table').first().waitFor();
      // Wide parts (the heat map) scroll in their own box; the page itself never scrolls sideways.
      const sticking = await phone.evaluate(() => [...document.querySelectorAll<HTMLElement>('main *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && el.offsetParent !== null)
        .filter((el) => !el.parentElement?.closest('.scroll, [role="region"][tabindex]'))
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${Math.round(el.getBoundingClientRect().right)}px`)
        .slice(0, 8));
      expect(sticking).toEqual([]);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await screenshot(phone, '65-reports-phone');
      await phone.close();
      expect(scriptErrors).toEqual([]);
    });
  });
});
