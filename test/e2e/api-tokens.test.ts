// API tokens on the account page, through a real browser: created with a scope and an expiry, shown once with a
// copy button, listed without their secret, revoked after a confirmation.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { describeInBrowser, screenshot, signIn, startE2E, type E2E } from '../support/e2e-browser.ts';

const maya = { email: 'maya@example.com', name: 'Maya Marketing', role: 'marketing' } as const;

describeInBrowser('API tokens in the browser', () => {
  let e2e: E2E;
  let context: BrowserContext;
  let page: Page;
  const scriptErrors: string[] = [];

  const me = (token: string) => e2e.t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    e2e = await startE2E([maya]);
    context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => scriptErrors.push(error.message));
  });
  afterAll(async () => {
    await context?.close();
    await e2e?.close();
  });

  it('creates a token shown once with a copy button, lists it without the secret, and revokes it', async () => {
    await signIn(page, e2e.baseUrl, maya.email);
    await page.getByRole('link', { name: /your account/ }).click();
    const section = page.getByRole('region', { name: 'API tokens' });
    await section.getByText('No tokens yet.').waitFor();

    await section.getByLabel('Name').fill('DAM import');
    await section.getByLabel('Scope').selectOption({ label: 'Upload' });
    await section.getByText('upload new assets and add versions to and edit your own').waitFor();
    await section.getByLabel('Expires after').selectOption({ label: '30 days' });
    await section.getByRole('button', { name: 'Create token' }).click();

    const secret = section.getByLabel(/copy it now, it is not shown again/);
    const token = await secret.inputValue();
    expect(token).toMatch(/^cht_/);
    await section.getByRole('button', { name: 'Copy', exact: true }).click();
    await section.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    const row = section.getByRole('row', { name: /DAM import/ });
    await expect(row.textContent()).resolves.toMatch(/Upload.*Never/);
    await screenshot(page, 'api-tokens-01-created');

    expect((await me(token)).statusCode).toBe(200);
    const [stored] = await e2e.t.app.services.auth.listApiTokens((await e2e.t.app.services.auth.findUserByEmail(maya.email))!);
    expect(stored).toMatchObject({ name: 'DAM import', scope: 'upload' });
    expect(Math.round((Date.parse(stored!.expiresAt) - Date.parse(stored!.createdAt)) / 86400_000)).toBe(30);

    await page.reload();
    await section.getByRole('row', { name: /DAM import/ }).waitFor();
    await expect(section.getByRole('row', { name: /DAM import/ }).textContent()).resolves.toMatch(/just now/);
    expect(await page.content()).not.toContain(token);
    await screenshot(page, 'api-tokens-02-listed');

    await section.getByRole('button', { name: 'Revoke the token DAM import' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this token?' });
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await section.getByText('No tokens yet.').waitFor();
    expect((await me(token)).statusCode).toBe(401);
  });

  it('ran without a script error', () => {
    expect(scriptErrors).toEqual([]);
  });
});
