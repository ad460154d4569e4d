// Feedback in a real browser (issue 18): a sales person finds a deck, says from the preview beside the results that
// it helped and why, in one click and a comment; the owner in marketing is told under the bell and reads it on the
// asset's page. Screenshots of the prompt, the comment and marketing's view; axe-core on both pages.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { approvedAsset } from '../support/assets.ts';
import { seriousViolations } from '../support/axe.ts';
import { apiSession, describeInBrowser, screenshot, signIn, startE2E, TEAM, type E2E } from '../support/e2e-browser.ts';
import { pdf } from '../support/files.ts';

const people = TEAM;

describeInBrowser('feedback in the browser', () => {
  let e2e: E2E;
  let context: BrowserContext;
  let page: Page;
  let deck: string;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    const marketing = await apiSession(e2e, people.marketing.email);
    const approver = await apiSession(e2e, people.approver.email);
    deck = await approvedAsset(e2e.t, marketing, approver, { title: 'Acme pricing deck', personas: 'cfo', stages: 'evaluation' }, {
      name: 'pricing.pdf', type: 'application/pdf', content: await pdf(['Pricing that pays for itself', 'Three plans, one price list']),
    });
    await e2e.t.app.services.processing.drain();
    context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => scriptErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await e2e?.close();
  });

  it('takes "helped" in one click from the preview beside the results, then a comment with its context', async () => {
    await signIn(page, e2e.baseUrl, people.sky.email);
    await page.goto(`${e2e.baseUrl}/search?q=pricing`);
    await page.getByRole('region', { name: 'Results' }).getByRole('article').first().click();
    const panel = page.getByRole('complementary', { name: 'Preview' });
    await panel.getByRole('heading', { name: 'Acme pricing deck' }).waitFor();
    const prompt = panel.getByRole('region', { name: 'Feedback' });
    await prompt.getByText('Did this help?').waitFor();
    await prompt.getByRole('button', { name: 'Helped' }).click();
    await prompt.getByText('You said it helped').waitFor();
    await prompt.getByLabel('What worked? (optional)').fill('Slide 2 <b>closed</b> the CFO');
    await prompt.getByLabel('Persona').selectOption('cfo');
    await prompt.getByLabel('Opportunity').fill('OPP-7');
    await prompt.scrollIntoViewIfNeeded();
    await screenshot(page, '80-feedback-comment', { fullPage: false });
    await prompt.getByRole('button', { name: 'Send comment' }).click();
    await page.getByText('Thanks — marketing will see your comment').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // On the asset's page, what they said last is shown.
    await page.goto(`${e2e.baseUrl}/assets/${deck}`);
    await page.getByRole('region', { name: 'Feedback' }).getByText('You said it helped').waitFor();
    await expect(page.getByRole('button', { name: 'Helped' }).getAttribute('aria-pressed')).resolves.toBe('true');
  }, 60_000);

  it("tells the owner under the bell and shows the field's words on the asset's page", async () => {
    await context.clearCookies();
    await signIn(page, e2e.baseUrl, people.marketing.email);
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    await page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: /New feedback on "Acme pricing deck"/ }).click();
    const section = page.getByRole('region', { name: 'Feedback from sales' });
    await section.getByText('1 helped').waitFor();
    // The comment is text: the markup shows as typed, nothing is bolded.
    await section.getByText('Slide 2 <b>closed</b> the CFO').waitFor();
    await expect(section.locator('b').count()).resolves.toBe(0);
    await expect(section.getByText(/Sky Sales · .* · CFO · opportunity OPP-7/).isVisible()).resolves.toBe(true);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, '81-feedback-for-marketing', { fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);
    expect(scriptErrors).toEqual([]);
  }, 60_000);
});
