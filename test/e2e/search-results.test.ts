// The results list in a real browser: hits matching every word first, the rest folded under "N more match some
// of your words", who used a hit this month, and punctuation alone answered as the home page.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { approvedAsset } from '../support/assets.ts';
import { describeInBrowser, screenshot, signIn, startE2E, type E2E } from '../support/e2e-browser.ts';

const people = {
  marketing: { email: 'mia@example.com', name: 'Mia Marketing', role: 'marketing' },
  approver: { email: 'abe@example.com', name: 'Abe Approver', role: 'approver' },
  sales: { email: 'sam@example.com', name: 'Sam Sales', role: 'sales' },
  ana: { email: 'ana@example.com', name: 'Ana Sales', role: 'sales' },
  raj: { email: 'raj@example.com', name: 'Raj Sales', role: 'sales' },
} as const;

describeInBrowser('search results in the browser', () => {
  let e2e: E2E;
  let page: Page;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    const { t } = e2e;
    const marketing = await t.as('marketing', people.marketing.email);
    const approver = await t.as('approver', people.approver.email);
    const asset = (title: string, description = '') => approvedAsset(t, marketing, approver, { title, description, personas: 'cfo', stages: 'evaluation' });
    const used = await asset('Renewal pricing playbook', 'How to defend price at renewal time.');
    await asset('Pricing for renewals: the FAQ');
    await asset('Renewal email templates', 'Three emails for the quarter before renewal.');
    await asset('Pricing sheet 2026', 'List prices for every plan.');
    await asset('Competitive pricing battlecard');
    // One salesperson's dozen views count as one colleague; two more colleagues make three.
    const sam = await t.as('sales', people.sales.email);
    for (let i = 0; i < 12; i++) await t.app.inject({ method: 'POST', url: '/api/events', headers: sam, payload: { assetId: used, kind: 'view' } });
    for (const who of [people.ana, people.raj]) {
      const headers = await t.as('sales', who.email);
      await t.app.inject({ method: 'POST', url: '/api/events', headers, payload: { assetId: used, kind: 'view' } });
    }
    await t.app.services.search.refreshUsage(true);

    const context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    await signIn(page, e2e.baseUrl, people.sales.email);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const results = () => page.getByRole('region', { name: 'Results' }).getByRole('article');
  const titles = () => results().getByRole('heading').allTextContents();
  const fold = () => page.getByRole('button', { name: /match some of your words/ });

  it('shows the hits matching every word, and folds the rest under how many there are', async () => {
    await page.goto(`${e2e.baseUrl}/?q=${encodeURIComponent('renewal pricing')}`);
    await expect.poll(() => results().count()).toBe(2);
    expect(new Set(await titles())).toEqual(new Set(['Renewal pricing playbook', 'Pricing for renewals: the FAQ']));
    await expect(fold().textContent()).resolves.toContain('3 more match some of your words');
    await expect(fold().getAttribute('aria-expanded')).resolves.toBe('false');
    await page.locator('.summary').getByText('5 results for “renewal pricing”').waitFor();
    await results().first().getByText('Used by 3 colleagues this month').waitFor();
    await screenshot(page, '21-search-folded');

    await fold().click();
    await expect.poll(() => results().count()).toBe(5);
    await expect(fold().getAttribute('aria-expanded')).resolves.toBe('true');
    await page.getByRole('list', { name: 'Matching some of your words' }).getByRole('article').first().waitFor();
    await screenshot(page, '21-search-unfolded');

    // The fold closes again for the next search.
    await page.goto(`${e2e.baseUrl}/?q=${encodeURIComponent('pricing renewal')}`);
    await expect(fold().getAttribute('aria-expanded')).resolves.toBe('false');
  });

  it('says so when nothing matches every word, and lists what matches some', async () => {
    await page.goto(`${e2e.baseUrl}/?q=${encodeURIComponent('renewal zyxwvut')}`);
    await page.getByText('No result matches all your words. These match some of them.').waitFor();
    await expect.poll(() => results().count()).toBe(3);
    await expect(fold().count()).resolves.toBe(0);
  });

  it('answers punctuation alone as the home page: most used first, not results for “*”', async () => {
    await page.goto(`${e2e.baseUrl}/?q=${encodeURIComponent('*')}`);
    await page.locator('.summary').getByText('5 results · most used first').waitFor();
    expect((await titles())[0]).toBe('Renewal pricing playbook');
    expect(scriptErrors).toEqual([]);
  });
});
