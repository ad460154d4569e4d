// Content requests in a real browser (issue 18): a sales person's search finds nothing; they tick "tell me when this
// exists" and request the content from under the empty result. Marketing sees it on the board with the failed
// search beside it, links a new asset and marks it done; once the asset is approved the requester is told under
// the bell and the notification leads to the asset. Screenshots of each step; axe-core on each page.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { upload } from '../support/assets.ts';
import { seriousViolations } from '../support/axe.ts';
import { apiSession, describeInBrowser, screenshot, signIn, startE2E, TEAM, type E2E } from '../support/e2e-browser.ts';
import { pdf } from '../support/files.ts';

const people = TEAM;

describeInBrowser('content requests in the browser', () => {
  let e2e: E2E;
  let context: BrowserContext;
  let page: Page;
  let assetId: string;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => scriptErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await e2e?.close();
  });

  it('asks for missing content from a search that found nothing, and watches the search', async () => {
    await signIn(page, e2e.baseUrl, people.sky.email);
    await page.goto(`${e2e.baseUrl}/search?q=${encodeURIComponent('drone delivery pitch')}`);
    await page.getByRole('heading', { name: 'No results for “drone delivery pitch”' }).waitFor();
    const ask = page.getByRole('region', { name: 'Can’t find what you need?' });
    await ask.getByLabel('Tell me when this exists').check();
    await ask.getByText('You will be told under the bell').waitFor();
    await ask.getByRole('button', { name: 'Request this content' }).click();
    await ask.getByLabel('What is missing?').fill('A pitch deck for drone delivery to <b>retail</b> CFOs');
    await screenshot(page, '82-request-from-empty-search', { fullPage: false });
    await ask.getByRole('button', { name: 'Send request' }).click();
    await ask.getByText(/Requested\. Marketing sees it on the/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it('marketing sees it on the board beside the failed search, links a new asset and marks it done', async () => {
    const marketing = await apiSession(e2e, people.marketing.email);
    const created = await upload(e2e.t, marketing, { title: 'Drone delivery pitch deck', personas: 'cfo' }, {
      name: 'drones.pdf', type: 'application/pdf', content: await pdf(['Drone delivery for retail', 'Faster last mile']),
    });
    expect(created.statusCode, created.body).toBe(201);
    assetId = created.json().id;

    await context.clearCookies();
    await signIn(page, e2e.baseUrl, people.marketing.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Requests' }).click();
    const card = page.getByRole('article', { name: 'A pitch deck for drone delivery to <b>retail</b> CFOs' });
    await card.waitFor();
    await expect(card.getByText('Sky Sales').isVisible()).resolves.toBe(true);
    await expect(card.locator('b').count()).resolves.toBe(0);
    const backlog = page.getByRole('region', { name: 'Failed searches' });
    await backlog.getByText('drone delivery pitch').waitFor();
    await expect(backlog.getByRole('link', { name: 'Request open' }).isVisible()).resolves.toBe(true);
    await screenshot(page, '83-request-board', { fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    await card.getByRole('button', { name: 'Plan it' }).click();
    await card.getByText('Taken on by Max Marketing').waitFor();
    await card.getByRole('button', { name: 'Mark done…' }).click();
    await card.getByLabel('The asset that fulfils it').fill('drone');
    await card.getByRole('list', { name: 'Assets found' }).getByRole('button', { name: /Drone delivery pitch deck/ }).click();
    await card.getByLabel(/A word to its people/).fill('Fresh from the design team');
    await card.getByRole('button', { name: 'Mark done', exact: true }).click();
    await card.getByText('Done; its asset is still in review').waitFor();
  }, 90_000);

  it('once the asset is approved, the requester is told under the bell and finds it', async () => {
    const marketing = await apiSession(e2e, people.marketing.email);
    const approver = await apiSession(e2e, people.approver.email);
    for (const [who, action] of [[marketing, 'submit'], [approver, 'approve']] as const) {
      const res = await e2e.t.app.inject({ method: 'POST', url: `/api/assets/${assetId}/${action}`, headers: who });
      expect(res.statusCode, res.body).toBe(200);
    }
    // The watched search is asked again once the change settles; ask now rather than wait for it.
    await e2e.t.app.services.watches.check();

    await context.clearCookies();
    await signIn(page, e2e.baseUrl, people.sky.email);
    await page.getByRole('button', { name: 'Notifications, 2 unread' }).click();
    const centre = page.getByRole('region', { name: 'Notifications' });
    await centre.getByText('It exists now: "drone delivery pitch"').waitFor();
    await screenshot(page, '84-request-done-notification', { fullPage: false });
    await centre.getByRole('button', { name: /Your request is done/ }).click();
    await page.waitForURL(`**/assets/${assetId}`);
    await page.getByRole('heading', { name: 'Drone delivery pitch deck' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The requester's view of the board: the asset linked, marketing's word, and their own requests under Mine.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Requests' }).click();
    await page.getByRole('tab', { name: 'Mine' }).click();
    const card = page.getByRole('article', { name: 'A pitch deck for drone delivery to <b>retail</b> CFOs' });
    await card.getByRole('link', { name: 'Drone delivery pitch deck' }).waitFor();
    await expect(card.getByText('Fresh from the design team').isVisible()).resolves.toBe(true);
    await expect(card.getByRole('button', { name: 'Mark done…' }).count()).resolves.toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(scriptErrors).toEqual([]);
  }, 60_000);
});
