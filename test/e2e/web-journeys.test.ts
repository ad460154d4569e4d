// The daily journeys through a real browser: a link opened while signed out, an upload watched to the end, a
// bookmark whose filter has gone, and a search that finds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { approvedAsset } from '../support/assets.ts';
import { noisyPng, pdf, png, xlsx } from '../support/files.ts';
import { describeInBrowser, PASSWORD, screenshot, signIn, signOut, startE2E, writeFixture, type E2E } from '../support/e2e-browser.ts';

const people = {
  admin: { email: 'addie@example.com', name: 'Addie Admin', role: 'admin' },
  marketing: { email: 'max@example.com', name: 'Max Marketing', role: 'marketing' },
  approver: { email: 'alex@example.com', name: 'Alex Approver', role: 'approver' },
  sales: { email: 'sky@example.com', name: 'Sky Sales', role: 'sales' },
} as const;

describeInBrowser('daily journeys in the browser', () => {
  let e2e: E2E;
  let page: Page;
  const ids: Record<string, string> = {};
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    const { t } = e2e;
    const marketing = await t.as('marketing', people.marketing.email);
    const approver = await t.as('approver', people.approver.email);
    ids.pricing = await approvedAsset(t, marketing, approver, {
      title: 'Pricing one-pager', description: 'List prices for finance buyers.', personas: 'cfo', stages: 'awareness', tags: 'pricing', language: 'en',
    }, { name: 'Pricing-one-pager.pdf', content: await pdf(['Pricing for the CFO']), type: 'application/pdf' });
    ids.roi = await approvedAsset(t, marketing, approver, {
      title: 'ROI calculator', personas: 'cfo', stages: 'evaluation', language: 'en',
    }, { name: 'ROI-calculator.xlsx', content: xlsx(['Annual savings', 'Payback months']), type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    ids.security = await approvedAsset(t, marketing, approver, {
      title: 'Security whitepaper', description: 'Encryption, access control and audits.', personas: 'cio', stages: 'evaluation', language: 'en',
    }, { name: 'Security-whitepaper.pdf', content: await pdf(['Encryption at rest and in transit']), type: 'application/pdf' });
    await t.app.services.processing.drain();

    const context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => scriptErrors.push(error.message));
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const results = () => page.getByRole('region', { name: 'Results' }).getByRole('article');
  const titles = () => results().getByRole('heading').allTextContents();
  const here = () => { const url = new URL(page.url()); return url.pathname + url.search; };

  /** Fills in the sign-in form the page is showing (unlike signIn, which opens /login itself). */
  async function signInOnThisPage(email: string) {
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** Whether the element shows on screen: below the sticky app header and above the bottom of the window. */
  async function onScreen(locator: Locator): Promise<boolean> {
    return locator.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const header = document.querySelector('header.header')?.getBoundingClientRect().bottom ?? 0;
      return box.height > 0 && box.top >= header && box.bottom <= window.innerHeight;
    });
  }

  describe('sign-in keeps the link you came with', () => {
    it('opens a copied asset link after sign-in', async () => {
      await page.goto(`${e2e.baseUrl}/assets/${ids.pricing}`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(new URL(page.url()).searchParams.get('next')).toBe(`/assets/${ids.pricing}`);
      await signInOnThisPage(people.sales.email);
      await page.getByRole('heading', { name: 'Pricing one-pager', level: 1 }).waitFor();
      expect(here()).toBe(`/assets/${ids.pricing}`);
      await signOut(page);
    });

    it('opens a shared search with its words and filters after sign-in', async () => {
      const link = '/search?q=pricing&persona=cfo&stage=awareness';
      await page.goto(`${e2e.baseUrl}${link}`);
      await signInOnThisPage(people.sales.email);
      await page.getByRole('heading', { name: 'Find content', level: 1 }).waitFor();
      expect(here()).toBe(link);
      await expect.poll(titles).toEqual(['Pricing one-pager']);
      await expect(page.getByRole('combobox', { name: 'Search content' }).inputValue()).resolves.toBe('pricing');
      await page.getByRole('complementary', { name: 'Filters' }).getByRole('checkbox', { name: /^CFO/ }).waitFor();
      await expect(page.getByRole('complementary', { name: 'Filters' }).getByRole('checkbox', { name: /^CFO/ }).isChecked()).resolves.toBe(true);
      await signOut(page);
    });

    it.each([
      ['another host', '//evil.com/assets/1'],
      ['another host behind a backslash', '/\\evil.com'],
      ['a full URL', 'https://evil.com/'],
      ['a script', 'javascript:alert(document.domain)'],
      ['the sign-in page itself', '/login?next=%2Fassets%2F1'],
    ])('lands on home when the next page is %s', async (_what, next) => {
      await page.goto(`${e2e.baseUrl}/login?next=${encodeURIComponent(next)}`);
      await signInOnThisPage(people.sales.email);
      await page.getByRole('heading', { name: 'Find content', level: 1 }).waitFor();
      expect(new URL(page.url()).origin).toBe(e2e.baseUrl);
      expect(here()).toBe('/');
      await signOut(page);
    });
  });

  describe('a bookmarked filter that no longer exists', () => {
    it('is dropped from a sales search, which says so and shows the rest', async () => {
      await signIn(page, e2e.baseUrl, people.sales.email);
      const asked: string[] = [];
      const record = (request: { url(): string }) => { if (new URL(request.url()).pathname === '/api/search') asked.push(request.url()); };
      page.on('request', record);
      const entries = await page.evaluate(() => history.length);
      await page.goto(`${e2e.baseUrl}/search?q=pricing&persona=doesnotexist&persona=cfo`);
      const notice = page.getByRole('status').filter({ hasText: 'no longer exists' });
      await notice.waitFor();
      expect((await notice.textContent())?.trim()).toContain('The filter persona “doesnotexist” no longer exists and was removed.');
      await expect.poll(here).toBe('/search?q=pricing&persona=cfo');
      await expect.poll(titles).toEqual(['Pricing one-pager']);
      await expect(page.getByRole('alert').count()).resolves.toBe(0);
      // The stale value never reached the API (which would answer 400), and the broken link left no history entry.
      expect(asked.some((url) => url.includes('doesnotexist'))).toBe(false);
      page.off('request', record);
      await expect(page.evaluate(() => history.length)).resolves.toBe(entries + 1);
      await screenshot(page, '30-search-stale-filter', { fullPage: false });

      // Reachable from the keyboard, and it goes.
      const dismiss = notice.getByRole('button', { name: 'Dismiss' });
      await dismiss.focus();
      await page.keyboard.press('Enter');
      await expect(notice.count()).resolves.toBe(0);
    });

    it('keeps a term an admin added after the page loaded', async () => {
      const admin = await e2e.t.as('admin', people.admin.email);
      const added = await e2e.t.app.inject({ method: 'POST', url: '/api/taxonomy/persona/terms', headers: admin, payload: { label: 'Channel Partner' } });
      expect(added.statusCode).toBe(201);
      // A link followed inside the page, which loaded its taxonomy before the term existed.
      await page.evaluate(() => {
        history.pushState(null, '', '/search?persona=channel-partner');
        dispatchEvent(new PopStateEvent('popstate'));
      });
      await page.getByRole('heading', { name: 'Nothing matches these filters' }).waitFor();
      expect(here()).toBe('/search?persona=channel-partner');
      await expect(page.getByRole('status').filter({ hasText: 'no longer exists' }).count()).resolves.toBe(0);
      await signOut(page);
    });

    it('is dropped from the library, naming each filter removed', async () => {
      await signIn(page, e2e.baseUrl, people.marketing.email);
      await page.goto(`${e2e.baseUrl}/?persona=doesnotexist&stage=evaluation&kind=nonsense`);
      const notice = page.getByRole('status').filter({ hasText: 'no longer exist' });
      await notice.waitFor();
      expect((await notice.textContent())?.trim())
        .toContain('The filters persona “doesnotexist” and kind “nonsense” no longer exist and were removed.');
      await expect.poll(here).toBe('/?stage=evaluation');
      await expect.poll(() => page.locator('article').count()).toBe(2);
      await expect(page.getByLabel('Stage').inputValue()).resolves.toBe('evaluation');
      await expect(page.getByRole('alert').count()).resolves.toBe(0);
      await screenshot(page, '31-library-stale-filter', { fullPage: false });

      // Changing the filters again ends the notice.
      await page.getByLabel('Stage').selectOption('');
      await expect.poll(() => page.locator('article').count()).toBe(3);
      await expect(notice.count()).resolves.toBe(0);
      await signOut(page);
    });
  });

  it('keeps the upload queue and its progress in view while files go up, and sums up when they are done', async () => {
    // A window short enough that the batch fields and the upload button do not fit on one screen.
    await page.setViewportSize({ width: 1360, height: 720 });
    await signIn(page, e2e.baseUrl, people.marketing.email);
    await page.locator('article').first().waitFor();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose files' }).click();
    await (await chooser).setFiles([
      writeFixture(e2e, 'Launch photo.png', await noisyPng(360, 360)),
      writeFixture(e2e, 'Partner logo.png', await png(200, 120)),
      writeFixture(e2e, 'Battlecard.pdf', await pdf(['Battlecard'])),
    ]);
    const queue = page.getByRole('region', { name: 'Upload queue' });
    await queue.getByRole('heading', { name: 'Upload 3 files' }).waitFor();

    // A slow line (32 KB/s up), so the photo is still going up while we look.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 32 * 1024 });
    // The button is at the foot of the queue: the page scrolls down to it.
    await queue.getByRole('button', { name: 'Upload 3 files' }).click();
    const overall = queue.getByRole('progressbar', { name: 'Overall upload progress' });
    const photo = queue.getByRole('listitem').filter({ hasText: 'Launch photo.png' });
    await expect.poll(async () => Number(await photo.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(Number(await photo.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeLessThan(100);
    await expect.poll(() => onScreen(overall)).toBe(true);
    await expect.poll(() => onScreen(queue.getByRole('heading', { name: /^Uploading/ }))).toBe(true);
    await expect(onScreen(photo.getByRole('progressbar'))).resolves.toBe(true);
    await screenshot(page, '32-upload-in-view', { fullPage: false });

    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const outcome = queue.getByRole('status');
    await outcome.getByText('All 3 files are uploaded').waitFor({ timeout: 20_000 });
    await expect(onScreen(outcome)).resolves.toBe(true);
    await expect.poll(() => page.locator('article').count()).toBe(6);
    await screenshot(page, '33-upload-finished', { fullPage: false });
    await page.setViewportSize({ width: 1360, height: 900 });
    await signOut(page);
  });

  describe('a search that finds nothing', () => {
    it('offers to remove each filter, with the count where it is known exactly, to clear them all, or to browse', async () => {
      await signIn(page, e2e.baseUrl, people.sales.email);
      await page.goto(`${e2e.baseUrl}/search?q=pricing&persona=cfo&kind=spreadsheet`);
      await page.getByRole('heading', { name: 'No results for “pricing”' }).waitFor();
      const steps = page.getByRole('list', { name: 'Loosen the filters' });
      const removeKind = steps.getByRole('link', { name: /^Remove Kind: Spreadsheet/ });
      const removePersona = steps.getByRole('link', { name: /^Remove Persona: CFO/ });
      await removeKind.waitFor();
      // Without the kind, every asset counts once in the kind facet: the count is exact. A persona can be shared,
      // so without it the facet counts do not tell, and no number is shown.
      const text = async (link: Locator) => (await link.textContent())?.replace(/\s+/g, ' ').trim();
      await expect(text(removeKind)).resolves.toBe('Remove Kind: Spreadsheet · 1 result');
      await expect(text(removePersona)).resolves.toBe('Remove Persona: CFO');
      await page.getByRole('link', { name: 'Clear all filters' }).waitFor();
      await page.getByRole('link', { name: 'Browse all content' }).waitFor();
      // Only what exists: no button for a request feature the hub does not have yet.
      await expect(page.getByRole('button', { name: /marketing/i }).count()).resolves.toBe(0);
      await expect(page.getByRole('link', { name: /ask marketing/i }).count()).resolves.toBe(0);
      await screenshot(page, '34-search-nothing-found');

      // The count shown is what removing the filter gives.
      await removeKind.click();
      await expect.poll(titles).toEqual(['Pricing one-pager']);
      expect(here()).toBe('/search?q=pricing&persona=cfo');
      await expect(page.locator('.summary').textContent()).resolves.toContain('1 result for “pricing”');
    });

    it('reaches the next steps from the keyboard', async () => {
      await page.goBack();
      await page.getByRole('heading', { name: 'No results for “pricing”' }).waitFor();
      const clearAll = page.getByRole('link', { name: 'Clear all filters' });
      await page.getByRole('combobox', { name: 'Search content' }).focus();
      let reached = false;
      for (let presses = 0; presses < 40 && !reached; presses++) {
        await page.keyboard.press('Tab');
        reached = await clearAll.evaluate((el) => el === document.activeElement);
      }
      expect(reached).toBe(true);
      await page.keyboard.press('Enter');
      await expect.poll(here).toBe('/search?q=pricing');
      await expect.poll(titles).toEqual(['Pricing one-pager']);
    });

    it('browses everything from an empty search', async () => {
      await page.goto(`${e2e.baseUrl}/search?q=zeppelin`);
      await page.getByRole('heading', { name: 'No results for “zeppelin”' }).waitFor();
      await expect(page.getByRole('list', { name: 'Loosen the filters' }).count()).resolves.toBe(0);
      await expect(page.getByRole('link', { name: 'Clear all filters' }).count()).resolves.toBe(0);
      await page.getByRole('link', { name: 'Browse all content' }).click();
      await expect.poll(here).toBe('/');
      await expect.poll(() => results().count()).toBe(3);
      await signOut(page);
    });
  });

  it('ran without a script error on any page', () => {
    expect(scriptErrors).toEqual([]);
  });
});
