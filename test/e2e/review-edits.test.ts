// Edits of a live asset in the browser: the owner's changes wait for review (the asset page says so and shows
// them), sales keep the approved title, the approver sees before and after in the review queue, and another
// marketer is not offered an edit at all.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sessionCookie } from '../support/app.ts';
import { describeInBrowser, screenshot, signIn, startE2E, PASSWORD, type E2E } from '../support/e2e-browser.ts';
import { multipart, pdf } from '../support/files.ts';

const people = {
  marketing: { email: 'mia@example.com', name: 'Mia Marketing', role: 'marketing' },
  otherMarketer: { email: 'otto@example.com', name: 'Otto Outreach', role: 'marketing' },
  approver: { email: 'avery@example.com', name: 'Avery Approver', role: 'approver' },
  sales: { email: 'sam@example.com', name: 'Sam Sales', role: 'sales' },
} as const;

describeInBrowser('edits of a live asset in the browser', () => {
  let e2e: E2E;
  let id: string;
  const pages: Partial<Record<keyof typeof people, Page>> = {};
  const cookies: Record<string, Record<string, string>> = {};
  const scriptErrors: string[] = [];

  async function open(who: keyof typeof people): Promise<Page> {
    const context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    await signIn(page, e2e.baseUrl, people[who].email);
    return (pages[who] = page);
  }

  async function call(who: keyof typeof people, method: 'GET' | 'POST', url: string, payload?: object) {
    if (!cookies[who]) {
      const login = await e2e.t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: people[who].email, password: PASSWORD } });
      cookies[who] = { cookie: sessionCookie(login) };
    }
    const res = await e2e.t.app.inject({ method, url, headers: cookies[who], ...(payload ? { payload } : {}) });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  }

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    const body = await multipart({ title: 'Pricing one-pager', personas: 'cfo', tags: 'pricing' }, { name: 'pricing.pdf', content: await pdf(['List prices']) });
    await call('marketing', 'GET', '/api/me');
    const created = await e2e.t.app.inject({ method: 'POST', url: '/api/assets', headers: { ...cookies.marketing, ...body.headers }, payload: body.payload });
    id = created.json().id;
    await call('marketing', 'POST', `/api/assets/${id}/submit`);
    await call('approver', 'POST', `/api/assets/${id}/approve`);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('saves the owner\'s edit of a live asset for review and shows it on the asset page', async () => {
    const mia = await open('marketing');
    await mia.goto(`${e2e.baseUrl}/assets/${id}`);
    await mia.getByRole('heading', { name: 'Pricing one-pager', level: 1 }).waitFor();
    await mia.getByRole('button', { name: 'Edit details' }).click();
    const dialog = mia.getByRole('dialog');
    await dialog.getByText('This asset is live. Your changes go through review').waitFor();
    await dialog.getByLabel('Title').fill('Pricing one-pager 2026');
    await dialog.getByLabel('Personas').click();
    await dialog.getByRole('checkbox', { name: 'CIO' }).check();
    await mia.keyboard.press('Escape'); // closes the picker, not the dialog
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await mia.getByText('Changes saved for review').waitFor();

    // The page keeps the approved title as its heading, and says what waits.
    await mia.getByRole('heading', { name: 'Pricing one-pager', level: 1 }).waitFor();
    const changes = mia.getByRole('region', { name: 'Changes waiting for review' });
    await changes.getByRole('heading', { name: 'Changes not yet submitted for review' }).waitFor();
    const titleRow = changes.getByRole('row', { name: /^Title/ });
    await expect(titleRow.getByRole('cell').allTextContents()).resolves.toEqual(['Pricing one-pager', 'Pricing one-pager 2026']);
    await expect(changes.getByRole('row', { name: /^Personas/ }).locator('ins').allTextContents()).resolves.toEqual(['CIO']);
    await mia.getByText('Changed details wait to be submitted for review').waitFor();
    await mia.getByRole('region', { name: 'History' }).getByText('For review: sales keep the approved details until it is approved').waitFor();
    await screenshot(mia, 're-01-owner-changes-for-review');

    // Editing again starts from the proposal, not from the approved title.
    await mia.getByRole('button', { name: 'Edit details' }).click();
    await expect(dialog.getByLabel('Title').inputValue()).resolves.toBe('Pricing one-pager 2026');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await mia.getByRole('button', { name: 'Submit for review' }).click();
    await changes.getByRole('heading', { name: 'Changes waiting for review' }).waitFor();
  });

  it('keeps the approved title for sales while the change waits', async () => {
    const sam = await open('sales');
    await sam.goto(`${e2e.baseUrl}/assets/${id}`);
    await sam.getByRole('heading', { name: 'Pricing one-pager', level: 1 }).waitFor();
    await expect(sam.getByText('Pricing one-pager 2026').count()).resolves.toBe(0);
    await expect(sam.getByRole('region', { name: 'Changes waiting for review' }).count()).resolves.toBe(0);
  });

  it('offers another marketer no edit, and says who can change the asset', async () => {
    const otto = await open('otherMarketer');
    await otto.goto(`${e2e.baseUrl}/assets/${id}`);
    await otto.getByText('Only Mia Marketing (the owner), approvers and admins can change this asset.').waitFor();
    await expect(otto.getByRole('button', { name: 'Edit details' }).count()).resolves.toBe(0);
    await expect(otto.getByRole('button', { name: 'Upload new version' }).count()).resolves.toBe(0);
  });

  it('shows the approver before and after in the review queue, and approving makes the new title live', async () => {
    const avery = await open('approver');
    await avery.goto(`${e2e.baseUrl}/review`);
    const queue = avery.getByRole('list', { name: 'Waiting for review' });
    const item = queue.getByRole('listitem').filter({ hasText: 'Pricing one-pager' });
    await item.getByText('Changed details of a live asset, proposed by Mia Marketing').waitFor();
    const diff = item.getByRole('region', { name: 'Changes to Pricing one-pager' });
    await expect(diff.getByRole('columnheader').allTextContents()).resolves.toEqual(['Field', 'Live now (sales see)', 'Proposed']);
    await expect(diff.getByRole('row', { name: /^Title/ }).getByRole('cell').allTextContents()).resolves.toEqual(['Pricing one-pager', 'Pricing one-pager 2026']);
    const personas = diff.getByRole('row', { name: /^Personas/ }).getByRole('cell');
    await expect(personas.nth(0).textContent()).resolves.toMatch(/^\s*CFO\s*$/);
    await expect(personas.nth(1).locator('ins').allTextContents()).resolves.toEqual(['CIO']);
    await screenshot(avery, 're-02-review-queue-before-after');

    // The asset page shows the approver the same changes, and the approve dialog says what approving does.
    await avery.goto(`${e2e.baseUrl}/assets/${id}`);
    await avery.getByRole('region', { name: 'Changes waiting for review' }).getByRole('heading', { name: 'Changes waiting for review' }).waitFor();
    await avery.setViewportSize({ width: 390, height: 844 });
    await screenshot(avery, 're-04-asset-changes-phone', { fullPage: false });
    await avery.setViewportSize({ width: 1360, height: 900 });
    await avery.getByRole('button', { name: 'Approve' }).click();
    await avery.getByRole('dialog').getByText('The proposed details replace what sales see now.').waitFor();
    await screenshot(avery, 're-03-approve-dialog', { fullPage: false });
    await avery.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await avery.getByRole('heading', { name: 'Pricing one-pager 2026', level: 1 }).waitFor();
    await expect(avery.getByRole('region', { name: 'Changes waiting for review' }).count()).resolves.toBe(0);
    await avery.getByRole('region', { name: 'History' }).getByText('Title: “Pricing one-pager” → “Pricing one-pager 2026”').first().waitFor();

    const sam = pages.sales!;
    await sam.reload();
    await sam.getByRole('heading', { name: 'Pricing one-pager 2026', level: 1 }).waitFor();
    expect(scriptErrors).toEqual([]);
  });
});
