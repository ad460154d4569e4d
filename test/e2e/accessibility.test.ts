// Every page checked by axe-core in Chromium (WCAG 2.1 A and AA rules): no serious or critical violation, and every
// control shows where the keyboard is.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { approvedAsset, upload } from '../support/assets.ts';
import { seriousViolations } from '../support/axe.ts';
import { apiSession, describeInBrowser, screenshot, signIn, signOut, startE2E, type E2E } from '../support/e2e-browser.ts';
import { pdf, png } from '../support/files.ts';

const people = {
  admin: { email: 'ada@example.com', name: 'Ada Admin', role: 'admin' },
  marketing: { email: 'mia@example.com', name: 'Mia Marketing', role: 'marketing' },
  approver: { email: 'avery@example.com', name: 'Avery Approver', role: 'approver' },
  sales: { email: 'sam@example.com', name: 'Sam Sales', role: 'sales' },
} as const;

/** Headings that skip a level on the way down (an h4 straight after an h2), which leaves a screen reader's outline broken. */
async function headingSkips(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const skips: string[] = [];
    let previous = 0;
    for (const h of document.querySelectorAll<HTMLElement>('h1, h2, h3, h4, h5, h6')) {
      if (!h.offsetParent && getComputedStyle(h).position !== 'fixed') continue;
      const level = Number(h.tagName[1]);
      if (level > previous + 1) skips.push(`heading-order: h${level} "${h.textContent?.trim().slice(0, 40)}" after ${previous ? `h${previous}` : 'no heading'}`);
      previous = level;
    }
    return skips;
  });
}

/** Whether the focused element draws a focus indicator (outline or ring), as a keyboard user needs. */
async function focusVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return false;
    // A text box may mark its focus on the field around it (a search box's pill) rather than on the input.
    for (let node: HTMLElement | null = el, depth = 0; node && depth < 3; node = node.parentElement, depth++) {
      const style = getComputedStyle(node);
      if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) return true;
      if (style.boxShadow !== 'none' && style.boxShadow !== '') return true;
    }
    return false;
  });
}

describeInBrowser('accessibility', () => {
  let e2e: E2E;
  let page: Page;
  const found: Record<string, string[]> = {};
  let assetId = '';
  let invitePath = '';

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    const { t } = e2e;
    const login = (email: string) => apiSession(e2e, email);
    const admin = await login(people.admin.email);
    const invite = await t.app.inject({ method: 'POST', url: '/api/invites', headers: admin, payload: { email: 'new@example.com', name: 'New Person', role: 'sales' } });
    invitePath = new URL(invite.json().url as string).pathname;
    const marketing = await login(people.marketing.email);
    const approver = await login(people.approver.email);
    assetId = await approvedAsset(t, marketing, approver, { title: 'Pricing one-pager', personas: ['cfo'], stages: ['evaluation'] }, { name: 'pricing.pdf', content: await pdf(['Pricing for the CFO', 'Page two']) });
    const pending = await upload(t, marketing, { title: 'Launch banner' }, { name: 'banner.png', content: await png(800, 400) });
    await t.app.inject({ method: 'POST', url: `/api/assets/${pending.json().id}/submit`, headers: marketing });
    await t.app.services.processing.drain();
    const context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  async function check(name: string, path: string, ready: () => Promise<unknown>) {
    await page.goto(`${e2e.baseUrl}${path}`);
    await ready();
    await page.waitForTimeout(300);
    found[name] = [...await seriousViolations(page), ...await headingSkips(page)];
    await screenshot(page, `a11y-${name}`);
  }

  it('has no serious violation on the sign-in and invitation pages', async () => {
    await check('login', '/login', () => page.getByRole('heading', { name: 'Sign in' }).waitFor());
    await check('invite', invitePath, () => page.getByRole('heading', { level: 1 }).first().waitFor());
    const failures = ['login', 'invite'].flatMap((p) => found[p]!.map((line) => `${p}: ${line}`));
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('has no serious violation on any page staff use', { timeout: 120_000 }, async () => {
    await signIn(page, e2e.baseUrl, people.admin.email);
    await check('library', '/', () => page.getByRole('heading', { name: 'Library', level: 1 }).waitFor());
    await check('asset', `/assets/${assetId}`, () => page.getByRole('heading', { name: 'Pricing one-pager', level: 1 }).waitFor());
    await check('review', '/review', () => page.getByRole('heading', { level: 1 }).first().waitFor());
    await check('search', '/search?q=pricing', () => page.getByRole('heading', { level: 1 }).first().waitFor());
    await check('users', '/admin/users', () => page.getByRole('heading', { level: 1 }).first().waitFor());
    await check('taxonomy', '/admin/taxonomy', () => page.getByRole('heading', { level: 1 }).first().waitFor());
    await check('not-found', '/no-such-page', () => page.getByRole('heading', { level: 1 }).first().waitFor());
    await check('account', '/account', () => page.getByRole('heading', { level: 1 }).first().waitFor());
    const pages = ['library', 'asset', 'review', 'search', 'users', 'taxonomy', 'not-found', 'account'];
    const failures = pages.flatMap((p) => found[p]!.map((line) => `${p}: ${line}`));
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('shows where the keyboard is on every control of the header, Sign out included', async () => {
    await page.goto(`${e2e.baseUrl}/`);
    await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
    const unmarked: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const label = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el ? `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"` : '';
      });
      if (!(await focusVisible(page))) unmarked.push(label);
      if (label.includes('Sign out')) break;
    }
    await screenshot(page, 'a11y-focus-sign-out', { fullPage: false });
    expect(unmarked).toEqual([]);
  });

  it('has no serious violation on the pages sales use', { timeout: 60_000 }, async () => {
    await signOut(page);
    await signIn(page, e2e.baseUrl, people.sales.email);
    await check('sales-search', '/search?q=pricing', () => page.getByRole('heading', { level: 1 }).first().waitFor());
    await check('sales-asset', `/assets/${assetId}`, () => page.getByRole('heading', { name: 'Pricing one-pager', level: 1 }).waitFor());
    const failures = ['sales-search', 'sales-asset'].flatMap((p) => found[p]!.map((line) => `${p}: ${line}`));
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
