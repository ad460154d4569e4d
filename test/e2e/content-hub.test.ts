// The product through a real browser: sign in, upload a tagged batch, review, and what sales then see.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { assets } from '../../server/db/schema.ts';
import { noisyPng, pdf, png, pptx } from '../support/files.ts';
import { describeInBrowser, screenshot, signIn, signOut, startE2E, writeFixture, PASSWORD, type E2E } from '../support/e2e-browser.ts';

const people = {
  admin: { email: 'ada@example.com', name: 'Ada Admin', role: 'admin' },
  marketing: { email: 'mia@example.com', name: 'Mia Marketing', role: 'marketing' },
  approver: { email: 'avery@example.com', name: 'Avery Approver', role: 'approver' },
  sales: { email: 'sam@example.com', name: 'Sam Sales', role: 'sales' },
} as const;

describeInBrowser('browser', () => {
  let e2e: E2E;
  let page: Page;
  let files: { pdf: string; pdfV2: string; png: string; deck: string; program: string };
  const ids: Record<string, string> = {};
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    files = {
      pdf: writeFixture(e2e, 'Pricing-one-pager.pdf', await pdf(['Pricing for the CFO', 'Page two'])),
      pdfV2: writeFixture(e2e, 'Pricing-one-pager-Q3.pdf', await pdf(['Pricing for the CFO, Q3'])),
      png: writeFixture(e2e, 'Product screenshot.png', await png(1200, 800, { r: 90, g: 110, b: 220 })),
      program: writeFixture(e2e, 'setup.exe', Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120), Buffer.from('PE\x00\x00', 'latin1'), Buffer.alloc(256)])),
      deck: writeFixture(e2e, 'Security deck.pptx', pptx(['Security overview', 'Certifications'])),
    };
    const context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => scriptErrors.push(error.message));
  });
  afterAll(async () => {
    await e2e?.close();
  });

  /** The asset id behind a link in the page. */
  async function idFromLink(name: string | RegExp): Promise<string> {
    const href = await page.getByRole('link', { name }).first().getAttribute('href');
    const id = /\/assets\/([0-9a-f-]{36})/.exec(href ?? '')?.[1];
    if (!id) throw new Error(`no asset link named ${String(name)}`);
    return id;
  }

  it('sends a signed-out visitor to the sign-in page and says when the password is wrong', async () => {
    await page.goto(`${e2e.baseUrl}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, '01-login');

    await page.getByLabel('Work email').fill(people.marketing.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong email or password');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('lets marketing upload several tagged files at once, each with its own progress', async () => {
    await signIn(page, e2e.baseUrl, people.marketing.email);
    await page.getByText('No assets yet — drop files here').waitFor();
    await page.getByRole('banner').getByText('Mia Marketing').waitFor();

    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose files' }).click();
    await (await chooser).setFiles([files.pdf, files.png, files.deck]);
    await page.getByRole('heading', { name: 'Upload 3 files' }).waitFor();

    // Tag the whole batch, then give one file a better title.
    const queue = page.getByRole('region', { name: 'Upload queue' });
    await queue.getByLabel('Personas').click();
    await queue.getByRole('checkbox', { name: 'CFO' }).check();
    await page.keyboard.press('Escape');
    await queue.getByLabel('Stages').click();
    await queue.getByRole('checkbox', { name: 'Evaluation' }).check();
    await page.keyboard.press('Escape');
    await queue.getByLabel('Language').selectOption('en');
    await queue.getByLabel('Tags').fill('pricing');
    await page.keyboard.press('Enter');
    await queue.getByLabel('Title for Pricing-one-pager.pdf').fill('Pricing one-pager');

    await screenshot(page, '02-upload-queue-ready');
    await page.getByRole('button', { name: 'Upload 3 files' }).click();
    await expect.poll(() => page.getByText('Uploaded', { exact: true }).count(), { timeout: 15_000 }).toBe(3);
    const bars = page.getByRole('progressbar', { name: /^Upload of / });
    await expect(bars.count()).resolves.toBe(3);
    for (const bar of await bars.all()) await expect(bar.getAttribute('aria-valuenow')).resolves.toBe('100');

    ids.pricing = await idFromLink('Pricing one-pager');
    ids.screenshot = await idFromLink('Product screenshot');
    ids.deck = await idFromLink('Security deck');

    // The same bytes again: the queue says where they already are. A program is refused with the server's reason.
    const again = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose files' }).first().click();
    await (await again).setFiles([files.png, files.program]);
    await page.getByLabel('Title for Product screenshot.png').fill('Product screenshot (copy)');
    await page.getByRole('button', { name: 'Upload 2 files' }).click();
    await page.getByText('Identical content already in:').waitFor({ timeout: 10_000 });
    await queue.getByRole('alert').filter({ hasText: 'we accept' }).waitFor();
    await queue.getByText('Failed', { exact: true }).waitFor();

    // The library behind the queue shows the new drafts as cards.
    await expect.poll(() => page.locator('article').count()).toBe(4);
    await screenshot(page, '03-library-marketing-uploaded');
  });

  it('lets marketing open an asset, see its tags and submit it for review', async () => {
    await page.getByRole('link', { name: 'Pricing one-pager' }).first().click();
    await page.getByRole('heading', { name: 'Pricing one-pager', level: 1 }).waitFor();
    await page.getByText('CFO', { exact: true }).first().waitFor();
    await page.getByText('Evaluation', { exact: true }).first().waitFor();
    await page.getByText('Pricing-one-pager.pdf').first().waitFor();

    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText('Waiting for an approver').waitFor();
    await page.getByText('Submitted for review').waitFor();
    await screenshot(page, '04-asset-marketing');

    // A second one goes to review too, for the approver to send back.
    await page.goto(`${e2e.baseUrl}/assets/${ids.deck}`);
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText('Waiting for an approver').waitFor();

    // Filters live in the URL: the back button undoes one.
    await page.goto(`${e2e.baseUrl}/`);
    await page.getByLabel('Status').selectOption('in_review');
    await expect.poll(() => page.locator('article').count()).toBe(2);
    expect(new URL(page.url()).searchParams.get('status')).toBe('in_review');
    await page.goBack();
    await expect.poll(() => page.locator('article').count()).toBe(4);

    await signOut(page);
  });

  it('lets an approver approve one asset and reject another from the review queue', async () => {
    await signIn(page, e2e.baseUrl, people.approver.email);
    await page.getByRole('link', { name: 'Review' }).click();
    await page.getByRole('heading', { name: 'Review', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Pricing one-pager' }).waitFor();
    await page.getByRole('link', { name: 'Security deck' }).waitFor();
    await screenshot(page, '05-review-queue');

    await page.getByRole('button', { name: 'Approve Pricing one-pager' }).click();
    await page.getByRole('link', { name: 'Pricing one-pager' }).waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Reject Security deck' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.getByText('Say what needs to change').waitFor();
    await dialog.getByLabel('What needs to change?').fill('Add the 2025 certifications slide.');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('All caught up').waitFor();
    await signOut(page);
  });

  it('shows sales only approved assets, with preview, tags and a download', async () => {
    await signIn(page, e2e.baseUrl, people.sales.email);
    await expect.poll(() => page.locator('article').count()).toBe(1);
    await page.getByRole('link', { name: 'Pricing one-pager' }).waitFor();
    await expect(page.getByRole('link', { name: 'Product screenshot' }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Review' }).count()).resolves.toBe(0);
    await screenshot(page, '06-library-sales');

    await page.getByRole('link', { name: 'Pricing one-pager' }).click();
    await page.getByRole('heading', { name: 'Pricing one-pager', level: 1 }).waitFor();
    await expect(page.getByText('Submit for review').count()).resolves.toBe(0);
    await expect(page.getByRole('heading', { name: 'History' }).count()).resolves.toBe(0);
    await screenshot(page, '07-asset-sales');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, '11-asset-sales-phone');
    await page.setViewportSize({ width: 1360, height: 900 });

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('Pricing-one-pager.pdf');

    // A draft does not exist as far as sales can tell.
    await page.goto(`${e2e.baseUrl}/assets/${ids.screenshot}`);
    await page.getByRole('heading', { name: 'Asset not found' }).waitFor();
    await signOut(page);
  });

  it('shows marketing the verdicts, and takes edits and a new version of a live asset', async () => {
    await signIn(page, e2e.baseUrl, people.marketing.email);
    await page.goto(`${e2e.baseUrl}/assets/${ids.deck}`);
    // At the top of the page and in the history.
    await page.getByRole('region', { name: 'Sent back by Avery Approver' }).getByText('Add the 2025 certifications slide.').waitFor();
    await page.getByText('Sent back by an approver').waitFor();
    await page.goto(`${e2e.baseUrl}/assets/${ids.pricing}`);
    await page.getByText('Live: sales can find').waitFor();

    await page.getByRole('button', { name: 'Edit details' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Description').fill('One page of list prices for finance buyers.');
    await dialog.getByLabel('Personas').click();
    await dialog.getByRole('checkbox', { name: 'CIO' }).check();
    await screenshot(page, '10-edit-details', { fullPage: false });
    await page.keyboard.press('Escape'); // closes the picker, not the dialog
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    // A live asset's edit waits for review: the page shows it as proposed, the tags sales see stay as approved.
    await page.getByText('Changes saved for review').waitFor();
    const changes = page.getByRole('region', { name: 'Changes waiting for review' });
    await changes.getByText('One page of list prices for finance buyers.', { exact: true }).waitFor();
    await changes.getByRole('row', { name: /^Personas/ }).getByText('CIO', { exact: true }).waitFor();
    await expect(page.getByRole('region', { name: 'Tags' }).getByText('CIO', { exact: true }).count()).resolves.toBe(0);

    // A new version of a live asset goes back to review; sales keep version 1 meanwhile.
    await page.getByRole('button', { name: 'Upload new version' }).click();
    await dialog.getByLabel('File').setInputFiles(files.pdfV2);
    await dialog.getByLabel('What changed?').fill('Q3 prices');
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('Sales currently get version 1').waitFor();
    await page.getByText('Q3 prices').first().waitFor();
    await signOut(page);
  });

  it('takes files dropped on the library, and cancels an upload in flight without leaving an asset behind', async () => {
    await signIn(page, e2e.baseUrl, people.marketing.email);
    // Counted once the library has shown its cards (it has some by now), not while it is still loading.
    await page.locator('article').first().waitFor();
    const before = await page.locator('article').count();
    // Dropped as a browser drops them: a drop event carrying the files.
    const dropped = await page.evaluateHandle(async ([small, large]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(small), (c) => c.charCodeAt(0))], 'Battlecard.pdf', { type: 'application/pdf' }));
      transfer.items.add(new File([Uint8Array.from(atob(large), (c) => c.charCodeAt(0))], 'Event photo.png', { type: 'image/png' }));
      return transfer;
    }, [(await pdf(['Battlecard for the zephyr rollout'])).toString('base64'), (await noisyPng(320, 320)).toString('base64')]);
    await page.getByRole('region', { name: 'Upload files' }).dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByRole('heading', { name: 'Upload 2 files' }).waitFor();

    // A slow line (32 KB/s up), so the photo is still going up when it is cancelled.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 32 * 1024 });
    await page.getByRole('button', { name: 'Upload 2 files' }).click();
    const queue = page.getByRole('region', { name: 'Upload queue' });
    const photo = queue.getByRole('listitem').filter({ hasText: 'Event photo.png' });
    await expect.poll(async () => Number(await photo.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(0);
    await photo.getByRole('button', { name: 'Cancel' }).click();
    await photo.getByText('Cancelled').waitFor();
    await queue.getByRole('listitem').filter({ hasText: 'Battlecard.pdf' }).getByText('Uploaded', { exact: true }).waitFor({ timeout: 15_000 });
    await screenshot(page, '11-upload-cancelled', { fullPage: false });
    // Only the finished file became an asset.
    await expect.poll(() => page.locator('article').count()).toBe(before + 1);
    const titles = await e2e.t.app.services.database.db.select({ title: assets.title }).from(assets);
    expect(titles.map((a) => a.title)).not.toContain('Event photo');

    // On a good line again, the cancelled file can go up after all.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await photo.getByRole('button', { name: 'Retry' }).click();
    await photo.getByText('Uploaded', { exact: true }).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('article').count()).toBe(before + 2);
    await signOut(page);
  });

  it('lets an admin manage users and the taxonomy', async () => {
    await signIn(page, e2e.baseUrl, people.admin.email);
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.getByText('sam@example.com').waitFor();

    await page.getByRole('button', { name: 'Add with a password' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill('nia@example.com');
    await dialog.getByLabel('Name').fill('Nia New');
    await dialog.getByLabel('Role').selectOption('marketing');
    await dialog.getByLabel('Password').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await page.getByText('nia@example.com').waitFor();
    await page.getByLabel('Role of Sam Sales').selectOption('approver');
    await dialog.getByRole('button', { name: 'Make approver' }).click();
    await page.getByText('Sam Sales is now approver').waitFor();
    await screenshot(page, '08-admin-users');

    await page.getByRole('link', { name: 'Taxonomy' }).click();
    await page.getByRole('heading', { name: 'Persona' }).waitFor();
    await page.getByLabel('New product').fill('Analytics Cloud');
    await page.getByLabel('New product').press('Enter');
    await page.getByText('analytics-cloud').waitFor();
    await page.getByRole('button', { name: 'Delete CFO' }).click();
    await page.getByText(/"CFO" is used by \d+ assets?/).waitFor();
    await screenshot(page, '09-admin-taxonomy');

    // The session ends (here: the cookie goes); the next request lands on the sign-in page, which brings you back.
    await page.context().clearCookies();
    await page.getByRole('link', { name: 'Review' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/review');
  });

  it('ran without a script error on any page', () => {
    expect(scriptErrors).toEqual([]);
  });
});
