// Share links in a real browser (issue 17): a sales person shares a deck from its page, a prospect opens the link
// in a browser of their own (no cookie, not signed in), reads two pages and leaves; the sender sees the visit with
// the time on each page. Screenshots of the dialog, the public page (desktop and phone) and My shares; axe-core.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shares } from '../../server/db/schema.ts';
import { approvedAsset } from '../support/assets.ts';
import { seriousViolations } from '../support/axe.ts';
import { apiSession, describeInBrowser, screenshot, signIn, startE2E, type E2E } from '../support/e2e-browser.ts';
import { multipart, pdf } from '../support/files.ts';

const people = {
  approver: { email: 'alex@example.com', name: 'Alex Approver', role: 'approver' },
  marketing: { email: 'max@example.com', name: 'Max Marketing', role: 'marketing' },
  sky: { email: 'sky@example.com', name: 'Sky Sales', role: 'sales' },
} as const;
/** The prospect's browser: an ordinary Chrome, not one that says it is automated (scanners do). */
const PROSPECT_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

async function prospectContext(browser: Browser, options: { viewport?: { width: number; height: number }; isMobile?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ userAgent: PROSPECT_AGENT, ...options });
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false }));
  return context;
}

/** Scrolls a page's picture into view and waits until it is drawn (pages are rendered on their first request). */
async function shownPicture(reader: Page, name: string) {
  const picture = reader.getByRole('img', { name });
  await picture.scrollIntoViewIfNeeded();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 20_000 }).toBe(true);
  await picture.scrollIntoViewIfNeeded();
}

describeInBrowser('share links in the browser', () => {
  let e2e: E2E;
  let sender: BrowserContext;
  let page: Page;
  let deck: string;
  let url = '';
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    const { t } = e2e;
    const marketing = await apiSession(e2e, people.marketing.email);
    const approver = await apiSession(e2e, people.approver.email);
    deck = await approvedAsset(t, marketing, approver, { title: 'Acme pricing deck', personas: 'cfo', stages: 'evaluation' }, {
      name: 'pricing.pdf', type: 'application/pdf',
      content: await pdf(['Pricing that pays for itself', 'Three plans, one price list', 'Terms and next steps']),
    });
    await t.app.services.processing.drain();
    sender = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await sender.newPage();
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    await signIn(page, e2e.baseUrl, people.sky.email);
  }, 120_000);

  afterAll(async () => {
    await sender?.close();
    await e2e?.close();
  });

  it('shares an asset from its page and shows the link once, to copy', async () => {
    await page.goto(`${e2e.baseUrl}/assets/${deck}`);
    await page.getByRole('button', { name: 'Share' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('For', { exact: true }).fill('Dana Ortiz <Acme>');
    await dialog.getByLabel(/Opportunity/).fill('OPP-1042');
    await screenshot(page, '70-share-dialog', { fullPage: false });
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const link = dialog.getByLabel('Share link');
    await link.waitFor();
    const shown = await link.inputValue();
    expect(shown).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
    // The link names PUBLIC_URL; this test's server listens on a port of its own.
    url = `${e2e.baseUrl}${new URL(shown).pathname}`;
    await expect(dialog.getByText('Dana Ortiz <Acme>')).toBeTruthy();
    await screenshot(page, '71-share-link', { fullPage: false });
    await dialog.getByRole('button', { name: 'Done' }).click();
    // Delivered and opened a few minutes later: an opening within seconds of sending is taken for a mail scanner.
    await e2e.t.app.services.database.db.update(shares).set({ createdAt: new Date(Date.now() - 5 * 60_000) });
  });

  it('lets a prospect read it without signing in, and tells the sender what they read', async () => {
    const prospect = await prospectContext(e2e.browser, { viewport: { width: 1280, height: 860 } });
    const reader = await prospect.newPage();
    const errors: string[] = [];
    reader.on('pageerror', (error) => errors.push(error.message));
    reader.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    const response = await reader.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['x-robots-tag']).toBe('noindex, nofollow');
    await reader.getByRole('heading', { name: 'Acme pricing deck', level: 1 }).waitFor();
    await expect(reader.getByText('Shared with you by Sky Sales').isVisible()).resolves.toBe(true);
    const firstPage = reader.getByRole('img', { name: 'Acme pricing deck, page 1 of 3' });
    await firstPage.waitFor();
    await expect.poll(() => firstPage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await screenshot(reader, '72-share-public-page', { fullPage: false });
    const sky = await apiSession(e2e, people.sky.email);
    const [created] = (await e2e.t.app.inject({ method: 'GET', url: '/api/shares', headers: sky })).json().items;
    type Visit = { device: string; forwarded: boolean; pages: { page: number; activeSec: number }[] };
    const visits = async () => (await e2e.t.app.inject({ method: 'GET', url: `/api/shares/${created.id}`, headers: sky })).json().visits as Visit[];
    const pagesRead = async () => (await visits())[0]?.pages.filter((p) => p.activeSec > 0).map((p) => p.page).sort() ?? [];
    // Reads page 1 for a few seconds, scrolls to page 2 and reads it: the heartbeats (every ~10 s) bring both.
    await reader.mouse.move(400, 300);
    await reader.waitForTimeout(3_000);
    await shownPicture(reader, 'Acme pricing deck, page 2 of 3');
    await reader.mouse.wheel(0, 200);
    await reader.waitForTimeout(3_500);
    await expect.poll(pagesRead, { timeout: 20_000, interval: 500 }).toEqual([1, 2]);
    // Then page 3, and leaves: its seconds come by sendBeacon as the page goes.
    await shownPicture(reader, 'Acme pricing deck, page 3 of 3');
    await reader.mouse.wheel(0, 200);
    await reader.waitForTimeout(2_500);
    expect(await seriousViolations(reader)).toEqual([]);
    await reader.goto('about:blank');
    await reader.waitForTimeout(1_000);
    await prospect.close();
    expect(errors).toEqual([]);
    await expect.poll(pagesRead, { timeout: 15_000, interval: 500 }).toEqual([1, 2, 3]);

    // The sender's view: the visit, its device and the seconds on each page.
    expect((await visits())[0]).toMatchObject({ device: 'Chrome on macOS', forwarded: false });

    // The sender is told under the bell, and the notification leads to the link's visits.
    await page.reload();
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    await screenshot(page, '73-notification', { fullPage: false });
    await page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: /Dana Ortiz <Acme> opened your link/ }).click();
    await page.getByRole('heading', { name: 'My shares', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Notifications' }).waitFor();
    const detail = page.getByRole('region', { name: 'Visits' });
    await detail.getByRole('heading', { name: 'Dana Ortiz <Acme>' }).waitFor();
    await detail.getByText('Chrome on macOS').waitFor();
    await expect(detail.getByText(/page 2: \d+ s/).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('img', { name: 'Active seconds on each page, over every visit' }).isVisible()).resolves.toBe(true);
    await screenshot(page, '74-my-shares');
    expect(await seriousViolations(page)).toEqual([]);

    // After the conversation the sender says whether it helped, right there, with the link's deal as context.
    const prompt = detail.getByRole('region', { name: 'Feedback on Acme pricing deck' });
    await prompt.getByRole('button', { name: 'Helped' }).click();
    await prompt.getByText('You said it helped').waitFor();
    await expect(prompt.getByLabel('Opportunity').inputValue()).resolves.toBe('OPP-1042');
    await prompt.scrollIntoViewIfNeeded();
    await screenshot(page, '79-share-feedback', { fullPage: false });
  }, 120_000);

  it('gathers assets into a pitch kit from their pages, orders them, and shares the kit as one link', async () => {
    const marketing = await apiSession(e2e, people.marketing.email);
    const approver = await apiSession(e2e, people.approver.email);
    const story = await approvedAsset(e2e.t, marketing, approver, { title: 'Acme customer story' }, { name: 'story.pdf', type: 'application/pdf', content: await pdf(['How Acme saved']) });
    for (const id of [deck, story]) {
      await page.goto(`${e2e.baseUrl}/assets/${id}`);
      await page.getByRole('button', { name: 'Add to kit' }).click();
      const dialog = page.getByRole('dialog');
      if (id === deck) {
        await dialog.getByLabel('Name of the new kit').fill('CFO — evaluation');
      } else {
        await dialog.getByLabel(/CFO — evaluation/).check();
      }
      await dialog.getByRole('button', { name: 'Add' }).click();
      await dialog.waitFor({ state: 'hidden' });
    }
    await page.getByRole('link', { name: 'Kits' }).click();
    const kit = page.getByRole('region', { name: 'Kit' });
    await kit.getByRole('heading', { name: 'CFO — evaluation' }).waitFor();
    await kit.getByRole('button', { name: 'Move “Acme customer story” up' }).click();
    await expect.poll(() => kit.getByRole('listitem').allInnerTexts()).toEqual([expect.stringContaining('Acme customer story'), expect.stringContaining('Acme pricing deck')]);
    await screenshot(page, '78-pitch-kit');
    await kit.getByRole('button', { name: 'Share kit' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('For', { exact: true }).fill('Lee at Globex');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const link = `${e2e.baseUrl}${new URL(await dialog.getByLabel('Share link').inputValue()).pathname}`;
    await dialog.getByRole('button', { name: 'Done' }).click();
    const prospect = await prospectContext(e2e.browser);
    const reader = await prospect.newPage();
    await reader.goto(link);
    await reader.getByRole('heading', { name: '2 documents', level: 1 }).waitFor();
    expect(await reader.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual(['Acme customer story', 'Acme pricing deck']);
    await prospect.close();
    // Back to the first link's page for the next test.
    await page.goto(`${e2e.baseUrl}/shares`);
    await page.getByRole('button', { name: /Dana Ortiz/ }).click();
  }, 60_000);

  it('fits a phone, and shows a withdrawn link as a page naming whom to ask', async () => {
    const phone = await prospectContext(e2e.browser, { viewport: { width: 390, height: 844 }, isMobile: true });
    const reader = await phone.newPage();
    await reader.goto(url);
    await reader.getByRole('heading', { name: 'Acme pricing deck', level: 1 }).waitFor();
    expect(await reader.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(reader, '75-share-public-phone', { fullPage: false });

    // A new version of the deck is approved: the link shows it, and the sender is offered a note for the recipient.
    const marketing = await apiSession(e2e, people.marketing.email);
    const approver = await apiSession(e2e, people.approver.email);
    const body = await multipart({}, { name: 'pricing.pdf', type: 'application/pdf', content: await pdf(['Pricing, revised', 'Two plans now']) });
    expect((await e2e.t.app.inject({ method: 'POST', url: `/api/assets/${deck}/versions`, headers: { ...marketing, ...body.headers }, payload: body.payload })).statusCode).toBe(201);
    for (const [who, action] of [[marketing, 'submit'], [approver, 'approve']] as const) {
      expect((await e2e.t.app.inject({ method: 'POST', url: `/api/assets/${deck}/${action}`, headers: who })).statusCode).toBe(200);
    }
    await page.reload();
    await page.getByRole('button', { name: /Dana Ortiz/ }).click();
    await page.getByText('“Acme pricing deck” was updated since Dana Ortiz <Acme> last read it').waitFor();
    await page.getByRole('button', { name: 'Copy an update note' }).waitFor();
    await screenshot(page, '76-share-updated', { fullPage: false });

    await page.getByRole('button', { name: 'Withdraw link' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Withdraw link' }).click();
    await page.getByText('Withdrawn', { exact: true }).first().waitFor();
    const ended = await reader.goto(url);
    expect(ended?.status()).toBe(410);
    await reader.getByRole('heading', { name: 'This link was withdrawn' }).waitFor();
    await expect(reader.getByText('sky@example.com').first().isVisible()).resolves.toBe(true);
    await screenshot(reader, '77-share-withdrawn', { fullPage: false });
    await phone.close();
    expect(scriptErrors).toEqual([]);
  }, 60_000);
});
