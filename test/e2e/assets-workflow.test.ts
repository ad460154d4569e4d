// An asset's life as marketing and approvers see it in the browser: readable default titles, a history that says
// what changed, a warning before a new version withdraws a review, the review count, a rejection at the top of the
// page, and files that cannot be previewed explained in words.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sessionCookie } from '../support/app.ts';
import { describeInBrowser, screenshot, signIn, startE2E, PASSWORD, type E2E } from '../support/e2e-browser.ts';
import { damagedDocx, encryptedPdf, multipart, pdf, pptx } from '../support/files.ts';

const people = {
  marketing: { email: 'mia@example.com', name: 'Mia Marketing', role: 'marketing' },
  approver: { email: 'avery@example.com', name: 'Avery Approver', role: 'approver' },
} as const;
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

describeInBrowser('asset workflow in the browser', () => {
  let e2e: E2E;
  let mia: Page;
  let avery: Page;
  const cookies: Record<string, Record<string, string>> = {};
  const ids: Record<string, string> = {};
  const scriptErrors: string[] = [];
  // 400 characters, as a file saved from a long e-mail subject might be.
  const longName = `${Array.from({ length: 40 }, (_, i) => `chapter_${i}`).join('-').slice(0, 396)}.pdf`;

  async function open(who: keyof typeof people): Promise<Page> {
    const context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    await signIn(page, e2e.baseUrl, people[who].email);
    const login = await e2e.t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: people[who].email, password: PASSWORD } });
    cookies[who] = { cookie: sessionCookie(login) };
    return page;
  }

  async function call(who: keyof typeof people, method: 'GET' | 'POST', url: string, payload?: object) {
    const res = await e2e.t.app.inject({ method, url, headers: cookies[who], ...(payload ? { payload } : {}) });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  }

  async function uploadAs(name: string, content: Buffer): Promise<string> {
    const body = await multipart({}, { name, content });
    const res = await e2e.t.app.inject({ method: 'POST', url: '/api/assets', headers: { ...cookies.marketing, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function processed(id: string) {
    await expect.poll(async () => (await call('marketing', 'GET', `/api/assets/${id}`)).preview.status, { timeout: 20_000 }).not.toBe('pending');
  }

  async function idFromLink(page: Page, name: string | RegExp): Promise<string> {
    const href = await page.getByRole('link', { name }).first().getAttribute('href');
    const id = /\/assets\/([0-9a-f-]{36})/.exec(href ?? '')?.[1];
    if (!id) throw new Error(`no asset link named ${String(name)}`);
    return id;
  }

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    mia = await open('marketing');
    avery = await open('approver');
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('derives readable titles in the upload queue, and uploads a file with a 400-character name', async () => {
    const chooser = mia.waitForEvent('filechooser');
    await mia.getByRole('button', { name: 'Choose files' }).click();
    await (await chooser).setFiles([
      { name: 'cht-charts.pptx', mimeType: PPTX, buffer: pptx(['Charts']) },
      { name: longName, mimeType: 'application/pdf', buffer: await pdf(['A long name']) },
    ]);
    const queue = mia.getByRole('region', { name: 'Upload queue' });
    await expect(queue.getByLabel('Title for cht-charts.pptx').inputValue()).resolves.toBe('Cht charts');
    const longTitle = await queue.getByLabel(`Title for ${longName}`).inputValue();
    expect(longTitle).toMatch(/^Chapter 0 chapter 1 chapter 2 .*…$/);
    expect(longTitle.length).toBeLessThanOrEqual(300);
    await screenshot(mia, 'aw-01-upload-queue-titles', { fullPage: false });

    await mia.getByRole('button', { name: 'Upload 2 files' }).click();
    await expect.poll(() => queue.getByText('Uploaded', { exact: true }).count(), { timeout: 15_000 }).toBe(2);
    await expect(queue.getByRole('alert').count()).resolves.toBe(0);
    ids.charts = await idFromLink(mia, 'Cht charts');
    ids.long = await idFromLink(mia, /^Chapter 0 chapter 1/);
  });

  it('shows an edit in the history field by field, and records nothing for a save without changes', async () => {
    await mia.goto(`${e2e.baseUrl}/assets/${ids.charts}`);
    await mia.getByRole('heading', { name: 'Cht charts', level: 1 }).waitFor();
    const dialog = mia.getByRole('dialog');
    await mia.getByRole('button', { name: 'Edit details' }).click();
    await dialog.getByLabel('Title').fill('Cht charts Q3');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    const history = mia.getByRole('region', { name: 'History' });
    await history.getByText('Title: “Cht charts” → “Cht charts Q3”').waitFor();
    await expect(history.getByText(/description|personas|stages/i).count()).resolves.toBe(0);

    await mia.getByRole('button', { name: 'Edit details' }).click();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await mia.getByText('No changes to save').waitFor();
    await expect(history.getByText('Edited details').count()).resolves.toBe(1);
    await screenshot(mia, 'aw-02-history-edit');
  });

  it('warns before a new version withdraws the review, and says so in the history after', async () => {
    await mia.getByRole('button', { name: 'Submit for review' }).click();
    await mia.getByText('Waiting for an approver').waitFor();

    await mia.getByRole('button', { name: 'Upload new version' }).click();
    const dialog = mia.getByRole('dialog');
    await dialog.getByText('withdraws it from review: it goes back to draft').waitFor();
    await dialog.getByLabel('File').setInputFiles({ name: 'cht-charts-v2.pptx', mimeType: PPTX, buffer: pptx(['Charts, again']) });
    await screenshot(mia, 'aw-03-new-version-warning', { fullPage: false });
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    await mia.getByText('Review withdrawn: submit it again when ready.').waitFor();
    await mia.getByRole('region', { name: 'History' }).getByText('New version 2 uploaded; review withdrawn — submit again').waitFor();
    await expect(mia.getByRole('button', { name: 'Submit for review' }).count()).resolves.toBe(1);
  });

  it('warns before a new version of an approved asset, naming the version sales keep', async () => {
    await call('marketing', 'POST', `/api/assets/${ids.long}/submit`);
    await call('approver', 'POST', `/api/assets/${ids.long}/approve`);
    await mia.goto(`${e2e.baseUrl}/assets/${ids.long}`);
    await mia.getByRole('button', { name: 'Upload new version' }).click();
    await mia.getByRole('dialog').getByText('Version 1 is live. The new version starts as a draft and goes through review again. Sales keep getting version 1 until the new one is approved.').waitFor();
    await mia.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('counts what waits for review on the Review link, and keeps the count fresh', async () => {
    const other = await uploadAs('Battlecard.pdf', await pdf(['Battlecard']));
    await call('marketing', 'POST', `/api/assets/${ids.charts}/submit`);
    await call('marketing', 'POST', `/api/assets/${other}/submit`);
    ids.battlecard = other;

    await avery.goto(`${e2e.baseUrl}/`);
    const reviewLink = avery.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Review/ });
    await expect.poll(() => reviewLink.textContent()).toMatch(/Review\s*2 waiting/);
    await screenshot(avery, 'aw-04-review-badge', { fullPage: false });

    await reviewLink.click();
    await avery.getByRole('button', { name: 'Approve Battlecard' }).click();
    await expect.poll(() => reviewLink.textContent()).toMatch(/Review\s*1 waiting/);

    await avery.getByRole('button', { name: 'Reject Cht charts Q3' }).click();
    const dialog = avery.getByRole('dialog');
    await dialog.getByLabel('What needs to change?').fill('Use the new brand colours on slide 1.');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await avery.getByText('All caught up').waitFor();
    await expect.poll(() => reviewLink.textContent()).not.toMatch(/waiting/);
  });

  it('shows marketing who rejected an asset and why at the top of its page, with the next steps', async () => {
    await mia.goto(`${e2e.baseUrl}/assets/${ids.charts}`);
    const notice = mia.getByRole('region', { name: 'Sent back by Avery Approver' });
    await notice.getByText('Use the new brand colours on slide 1.').waitFor();
    await notice.getByText('Next: edit the details or upload a new version').waitFor();
    await notice.getByRole('button', { name: 'Edit details' }).waitFor();
    await notice.getByRole('button', { name: 'Upload new version' }).waitFor();
    // The notice comes before the preview, not only at the bottom of the history.
    const noticeTop = (await notice.boundingBox())!.y;
    expect(noticeTop).toBeLessThan((await mia.getByRole('region', { name: 'Preview' }).boundingBox())!.y);
    await screenshot(mia, 'aw-05-rejected-asset');

    await notice.getByRole('button', { name: 'Submit again' }).click();
    await mia.getByText('Waiting for an approver').waitFor();
    await expect(notice.count()).resolves.toBe(0);
  });

  it('says in words that a PDF is password-protected or a file is damaged', async () => {
    const secret = await uploadAs('Secret pricing.pdf', await encryptedPdf());
    const broken = await uploadAs('Broken brief.docx', damagedDocx());
    await processed(secret);
    await processed(broken);

    await mia.goto(`${e2e.baseUrl}/assets/${secret}`);
    await mia.getByText('This PDF is password-protected, so it has no preview or searchable text.').waitFor();
    await mia.getByText('Upload an unprotected copy as a new version').waitFor();
    await screenshot(mia, 'aw-06-password-protected');

    await mia.goto(`${e2e.baseUrl}/assets/${broken}`);
    await mia.getByText(/^The file looks damaged, so it has no preview or searchable text/).waitFor();
    await mia.getByText('Check that it opens on your computer').waitFor();
    await screenshot(mia, 'aw-07-damaged');
  });

  it('ran without a script error on any page', () => {
    expect(scriptErrors).toEqual([]);
  });
});
