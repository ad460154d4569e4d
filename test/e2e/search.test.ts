// Sales search through a real browser: the home page for sales, results as you type, facets in the URL,
// keyboard navigation, the preview panel and what an empty result offers.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { approvedAsset, upload } from '../support/assets.ts';
import { pdf, xlsx } from '../support/files.ts';
import { describeInBrowser, screenshot, signIn, signOut, startE2E, type E2E } from '../support/e2e-browser.ts';

const people = {
  marketing: { email: 'mo@example.com', name: 'Mo Marketing', role: 'marketing' },
  approver: { email: 'april@example.com', name: 'April Approver', role: 'approver' },
  sales: { email: 'sid@example.com', name: 'Sid Sales', role: 'sales' },
} as const;

describeInBrowser('search in the browser', () => {
  let e2e: E2E;
  let page: Page;
  const ids: Record<string, string> = {};
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    const { t } = e2e;
    const marketing = await t.as('marketing', people.marketing.email);
    const approver = await t.as('approver', people.approver.email);
    const sales = await t.as('sales', people.sales.email);

    ids.security = await approvedAsset(t, marketing, approver, {
      title: 'Security whitepaper', description: 'How customer data is kept safe: encryption, access control and audits.',
      personas: 'cio', stages: 'evaluation', tags: 'security,compliance', language: 'en',
    }, { name: 'Security-whitepaper.pdf', content: await pdf(['Encryption at rest and in transit', 'SOC 2 controls', 'Incident response']), type: 'application/pdf' });
    ids.etude = await approvedAsset(t, marketing, approver, {
      title: 'Étude de cas Renault', description: 'Comment Renault a réduit ses délais de 30 %.', personas: 'cfo', stages: 'consideration', language: 'fr',
    }, { name: 'etude-de-cas-renault.pdf', content: await pdf(['Renault']), type: 'application/pdf' });
    ids.pricing = await approvedAsset(t, marketing, approver, {
      title: 'Pricing one-pager', description: 'List prices for finance buyers.', personas: 'cfo', stages: 'awareness', tags: 'pricing', language: 'en',
    }, { name: 'Pricing-one-pager.pdf', content: await pdf(['Pricing for the CFO']), type: 'application/pdf' });
    ids.roi = await approvedAsset(t, marketing, approver, {
      title: 'ROI calculator', personas: 'cfo', stages: 'evaluation', language: 'en',
    }, { name: 'ROI-calculator.xlsx', content: xlsx(['Annual savings', 'Payback months']), type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    const draft = await upload(t, marketing, { title: 'Security roadmap 2026', personas: 'cio', stages: 'evaluation' },
      { name: 'roadmap.pdf', content: await pdf(['Security roadmap']), type: 'application/pdf' });
    ids.draft = draft.json().id;
    // Markup in a title is text: the snippet is built as elements, never as HTML.
    const hostile = await upload(t, marketing, { title: 'Battlecard <img src=x onerror="window.pwned=1"> Acme' });
    ids.hostile = hostile.json().id;

    // A salesperson has used the whitepaper a dozen times this month: it leads the browse list and says by whom (one colleague).
    for (let i = 0; i < 12; i++) {
      await t.app.inject({ method: 'POST', url: '/api/events', headers: sales, payload: { assetId: ids.security, kind: 'view' } });
    }
    await t.app.services.processing.drain();
    await t.app.services.search.refreshUsage(true);

    const context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => scriptErrors.push(error.message));
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const box = () => page.getByRole('combobox', { name: 'Search content' });
  const results = () => page.getByRole('region', { name: 'Results' }).getByRole('article');
  const titles = () => results().getByRole('heading').allTextContents();
  const summary = () => page.locator('.summary');

  /** Types like a person: a key at a time, so the page searches as the text grows. */
  async function type(text: string) {
    await box().click();
    await box().fill('');
    await box().pressSequentially(text, { delay: 35 });
  }

  it('lands sales on search, most used first, with the usage hint and no drafts', async () => {
    await signIn(page, e2e.baseUrl, people.sales.email);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('link', { name: 'Search', exact: true }).waitFor();
    await expect.poll(() => results().count()).toBe(4);
    expect((await titles())[0]).toBe('Security whitepaper');
    await results().first().getByText('Used by 1 colleague this month').waitFor();
    await expect(page.getByText('Security roadmap').count()).resolves.toBe(0);
    // The search box is ready to type into.
    await expect(box().evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await screenshot(page, '20-search-home');
  });

  it('finds through a typo as you type, marks the match, and never offers a draft', async () => {
    await type('secruity');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('secruity');
    await expect.poll(titles).toEqual(['Security whitepaper']);
    await expect(results().first().locator('mark').first().textContent()).resolves.toBe('Security');
    // Typing replaced the history entry instead of adding one per keystroke.
    await expect(page.evaluate(() => history.length)).resolves.toBeLessThanOrEqual(3);

    const suggestions = page.getByRole('listbox', { name: 'Suggestions' });
    await suggestions.getByRole('option').first().waitFor();
    await screenshot(page, '20-search-typo-suggestions', { fullPage: false });
    expect((await suggestions.textContent())?.toLowerCase()).not.toContain('roadmap');
    await expect(page.getByText('Security roadmap').count()).resolves.toBe(0);

    // Arrow keys and Enter pick a suggestion.
    await box().press('ArrowDown');
    await expect(box().getAttribute('aria-activedescendant')).resolves.toBeTruthy();
    const picked = await suggestions.getByRole('option', { selected: true }).textContent();
    await box().press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(picked?.trim());
    await expect(suggestions.isVisible()).resolves.toBe(false);
  });

  it('folds accents: "etude de cas" finds the French case study', async () => {
    await type('etude de cas');
    await expect.poll(titles).toContain('Étude de cas Renault');
    expect((await titles())[0]).toBe('Étude de cas Renault');
  });

  it('keeps the previous results while the next arrive, and drops a reply that comes late', async () => {
    await box().fill('');
    await box().press('Enter');
    await expect.poll(() => results().count()).toBe(4);
    // The reply for "ro" is held back; by the time it could arrive the user has typed "roi".
    await page.route((url) => url.pathname === '/api/search' && url.searchParams.get('q') === 'ro', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await route.continue().catch(() => { /* the page cancelled it */ });
    });
    const held = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/search' && new URL(r.url()).searchParams.get('q') === 'ro');
    await box().pressSequentially('ro', { delay: 35 });
    await held;
    await page.waitForTimeout(300);
    await expect(results().count()).resolves.toBe(4);
    await box().pressSequentially('i');
    await expect.poll(titles).toEqual(['ROI calculator']);
    await page.waitForTimeout(1300);
    await expect(titles()).resolves.toEqual(['ROI calculator']);
    await expect(summary().textContent()).resolves.toContain('“roi”');
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });

  it('narrows with a facet, keeps it in the URL, and the back button restores the results', async () => {
    await box().fill('');
    await box().press('Enter');
    await expect.poll(() => results().count()).toBe(4);
    const filters = page.getByRole('complementary', { name: 'Filters' });
    await filters.getByRole('checkbox', { name: /^Evaluation/ }).check();
    await expect.poll(() => new URL(page.url()).searchParams.getAll('stage')).toEqual(['evaluation']);
    await expect.poll(titles).toEqual(['Security whitepaper', 'ROI calculator']);
    await expect(filters.getByRole('checkbox', { name: /^Evaluation/ }).isChecked()).resolves.toBe(true);
    await screenshot(page, '20-search-facet');

    // Facets combine: CFO and Evaluation leaves the calculator.
    await filters.getByRole('checkbox', { name: /^CFO/ }).check();
    await expect.poll(titles).toEqual(['ROI calculator']);
    expect(new URL(page.url()).searchParams.getAll('persona')).toEqual(['cfo']);

    await page.goBack();
    await expect.poll(titles).toEqual(['Security whitepaper', 'ROI calculator']);
    await page.goBack();
    await expect.poll(() => results().count()).toBe(4);
    expect(new URL(page.url()).searchParams.has('stage')).toBe(false);
    await expect(filters.getByRole('checkbox', { name: /^Evaluation/ }).isChecked()).resolves.toBe(false);

    // A shared link opens the same view.
    await page.goto(`${e2e.baseUrl}/search?q=pricing&persona=cfo`);
    await expect.poll(titles).toEqual(['Pricing one-pager']);
    await expect(box().inputValue()).resolves.toBe('pricing');
  });

  it('moves through results with the keyboard and previews one, with download and copy link', async () => {
    await page.goto(`${e2e.baseUrl}/`);
    await expect.poll(() => results().count()).toBe(4);
    await page.getByRole('heading', { name: 'Find content' }).click();
    await page.keyboard.press('/');
    await expect(box().evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await box().pressSequentially('security', { delay: 35 });
    await expect.poll(titles).toEqual(['Security whitepaper']);
    await box().press('Escape'); // closes the suggestions

    const click = page.waitForRequest((r) => r.url().endsWith('/api/events') && r.method() === 'POST');
    await page.keyboard.press('ArrowDown');
    await expect(results().first().getAttribute('class')).resolves.toContain('selected');
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: 'Preview' });
    await panel.getByRole('heading', { name: 'Security whitepaper' }).waitFor();
    const event = (await click).postDataJSON() as { assetId: string; kind: string; queryId?: string };
    expect(event).toMatchObject({ assetId: ids.security, kind: 'click' });
    expect(event.queryId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await (await click).response())?.status()).toBe(202);

    // A document of several pages can be paged through.
    await panel.getByText('Page 1 of 3').waitFor();
    await panel.getByRole('button', { name: 'Next page' }).click();
    await panel.getByText('Page 2 of 3').waitFor();
    await expect(panel.getByRole('img').getAttribute('src')).resolves.toContain('page=2');
    // Pages are rendered on demand: wait for this one before the picture.
    await expect.poll(() => panel.getByRole('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 20_000 }).toBe(true);
    // Clicking the pager scrolled things into view; the picture shows the page as it opened.
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      document.querySelector('[aria-label="Preview"]')?.parentElement?.scrollTo(0, 0);
    });
    await screenshot(page, '20-search-preview', { fullPage: false });

    const download = page.waitForEvent('download');
    await panel.getByRole('link', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('Security-whitepaper.pdf');
    await panel.getByRole('button', { name: 'Copy link' }).click();
    await page.getByText('Link copied to the clipboard').waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(`${e2e.baseUrl}/assets/${ids.security}`);

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });

    // j/k move too, and the selection follows.
    await box().fill('');
    await box().press('Enter');
    await expect.poll(() => results().count()).toBe(4);
    await box().press('ArrowDown');
    await page.keyboard.press('j');
    await expect(results().nth(1).getAttribute('class')).resolves.toContain('selected');
    await page.keyboard.press('k');
    await expect(results().nth(0).getAttribute('class')).resolves.toContain('selected');
    await page.keyboard.press('Enter');
    await panel.waitFor();
    await panel.getByRole('link', { name: /^Open/ }).click();
    await page.getByRole('heading', { name: 'Security whitepaper', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/assets/${ids.security}`);
    await page.getByRole('link', { name: 'Search', exact: true }).first().waitFor();
    await page.goBack();
    await expect.poll(() => results().count()).toBe(4);
  });

  it('offers another spelling when nothing is found', async () => {
    await type('secruty');
    await page.getByRole('heading', { name: 'No results for “secruty”' }).waitFor();
    const suggestion = page.getByRole('link', { name: 'security', exact: true });
    await suggestion.waitFor();
    await screenshot(page, '20-search-no-results');
    await suggestion.click();
    await expect.poll(titles).toEqual(['Security whitepaper']);
    await expect(box().inputValue()).resolves.toBe('security');
  });

  it('says which filter hides the results, and clears a filter the server does not know', async () => {
    await page.goto(`${e2e.baseUrl}/search?q=pricing&stage=evaluation`);
    await page.getByRole('heading', { name: 'No results for “pricing”' }).waitFor();
    await page.getByText('A filter is hiding results').waitFor();
    await screenshot(page, '20-search-loosen-filters');
    await page.getByRole('link', { name: 'Remove Stage: Evaluation' }).click();
    await expect.poll(titles).toEqual(['Pricing one-pager']);
    expect(new URL(page.url()).searchParams.has('stage')).toBe(false);

    // A value the page's taxonomy has never heard of is dropped before asking (test/e2e/web-journeys.test.ts). One
    // deleted after the page loaded its taxonomy still reaches the server, whose 400 names the known ones.
    const admin = await e2e.t.as('admin');
    const added = await e2e.t.app.inject({ method: 'POST', url: '/api/taxonomy/stage/terms', headers: admin, payload: { label: 'Renewal' } });
    expect(added.statusCode).toBe(201);
    await page.goto(`${e2e.baseUrl}/search?q=security`);
    await expect.poll(titles).toEqual(['Security whitepaper']);
    const deleted = await e2e.t.app.inject({ method: 'DELETE', url: '/api/taxonomy/stage/terms/renewal', headers: admin });
    expect(deleted.statusCode).toBe(204);
    await page.evaluate(() => {
      history.pushState(null, '', '/search?q=security&stage=renewal');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    const alert = page.getByRole('alert');
    await alert.getByText(/Unknown stage "renewal"; known: .*evaluation/).waitFor();
    await screenshot(page, '20-search-bad-filter', { fullPage: false });
    await alert.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(titles).toEqual(['Security whitepaper']);
    expect(new URL(page.url()).search).toBe('?q=security');
  });

  it('asks to slow down when searches come too fast', async () => {
    await page.route((url) => url.pathname === '/api/search', (route) => route.fulfill({
      status: 429, contentType: 'application/json',
      body: JSON.stringify({ statusCode: 429, error: 'Too Many Requests', message: 'too many searches (over 600 a minute); try again in 12 s', code: 'RATE_LIMITED' }),
    }));
    await type('pricing');
    await page.getByRole('alert').getByText('Slow down a moment').waitFor();
    await page.getByRole('alert').getByText(/try again in 12 s/).waitFor();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.getByRole('alert').getByRole('button', { name: 'Try again' }).click();
    await expect.poll(titles).toEqual(['Pricing one-pager']);
    await signOut(page);
  });

  it('keeps the library home for marketing, whose header search leads to the search page with drafts', async () => {
    await signIn(page, e2e.baseUrl, people.marketing.email);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
    await box().pressSequentially('security', { delay: 35 });
    await box().press('Enter');
    await page.getByRole('heading', { name: 'Find content', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/search');
    expect(new URL(page.url()).searchParams.get('q')).toBe('security');
    await expect.poll(titles).toEqual(expect.arrayContaining(['Security whitepaper', 'Security roadmap 2026']));
    await results().filter({ hasText: 'Security roadmap 2026' }).getByText('Draft').waitFor();
    await screenshot(page, '20-search-marketing');

    await type('battlecard');
    await expect.poll(titles).toEqual(['Battlecard <img src=x onerror="window.pwned=1"> Acme']);
    await expect(results().first().locator('mark').textContent()).resolves.toBe('Battlecard');
    await expect(results().locator('img[src="x"]').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as { pwned?: number }).pwned)).resolves.toBeUndefined();
    await box().fill('security');
    await box().press('Enter');
    await expect.poll(titles).toContain('Security whitepaper');
    await page.goBack();
    await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
    await expect(box().inputValue()).resolves.toBe('');
  });

  it('works on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${e2e.baseUrl}/search?q=security`);
    await expect.poll(titles).toContain('Security whitepaper');
    await screenshot(page, '20-search-phone', { fullPage: false });
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it('ran without a script error on any page', () => {
    expect(scriptErrors).toEqual([]);
  });
});
