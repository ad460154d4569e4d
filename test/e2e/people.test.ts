// People management through a real browser: inviting by a one-time link, changing one's password, confirmed role changes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { describeInBrowser, PASSWORD, screenshot, signIn, signOut, startE2E, type E2E } from '../support/e2e-browser.ts';

const people = {
  admin: { email: 'ada@example.com', name: 'Ada Admin', role: 'admin' },
  sales: { email: 'sam@example.com', name: 'Sam Sales', role: 'sales' },
  other: { email: 'rae@example.com', name: 'Rae Reseller', role: 'sales' },
} as const;

describeInBrowser('people in the browser', () => {
  let e2e: E2E;
  let admin: Page;
  const contexts: BrowserContext[] = [];
  const scriptErrors: string[] = [];

  /** A browser of its own: no cookies shared with the others. */
  async function freshPage(): Promise<Page> {
    const context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    return page;
  }

  async function signInWith(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${e2e.baseUrl}/login`);
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const roleOf = async (email: string) => (await e2e.t.app.services.auth.findUserByEmail(email))?.role;

  beforeAll(async () => {
    e2e = await startE2E(Object.values(people));
    const context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
    contexts.push(context);
    admin = await context.newPage();
    admin.setDefaultTimeout(10_000);
    admin.on('pageerror', (error) => scriptErrors.push(error.message));
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await e2e?.close();
  });

  it('lets an admin invite a person by a link that signs them in with the invited role, once', async () => {
    await signIn(admin, e2e.baseUrl, people.admin.email);
    await admin.goto(`${e2e.baseUrl}/admin/users`);
    await admin.getByText(people.sales.email).waitFor();

    await admin.getByRole('button', { name: 'Invite person' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Email').fill('nina@example.com');
    await dialog.getByLabel('Name').fill('Nina New');
    await dialog.getByLabel('Role').selectOption('marketing');
    await screenshot(admin, 'people-01-invite-form', { fullPage: false });
    await dialog.getByRole('button', { name: 'Create invite link' }).click();
    await dialog.getByRole('heading', { name: 'Send this invite link' }).waitFor();
    const shown = await dialog.getByLabel('Invite link').inputValue();
    expect(shown).toMatch(new RegExp(`^${e2e.t.config.publicUrl}/invite/[A-Za-z0-9_-]{40,}$`));
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    const link = await admin.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(shown);
    await screenshot(admin, 'people-02-invite-link', { fullPage: false });
    await dialog.getByRole('button', { name: 'Done' }).click();

    const pendingInvites = admin.getByRole('region', { name: /Pending invites/ });
    await pendingInvites.getByText('nina@example.com').waitFor();
    await screenshot(admin, 'people-03-pending-invites');

    // The invited person, in a browser of their own. The link names the configured PUBLIC_URL; the test server is on baseUrl.
    const nina = await freshPage();
    const path = new URL(link).pathname;
    await nina.goto(`${e2e.baseUrl}${path}`);
    await nina.getByRole('heading', { name: 'Join Content Hub' }).waitFor();
    await expect(nina.getByLabel('Work email').inputValue()).resolves.toBe('nina@example.com');
    await expect(nina.getByLabel('Your name').inputValue()).resolves.toBe('Nina New');
    await nina.getByText('You were invited as Marketing').waitFor();
    await screenshot(nina, 'people-04-accept-invite');
    await nina.getByLabel('Choose a password').fill('nina picked this one');
    await nina.getByLabel('Confirm password').fill('nina picked something else');
    await nina.getByRole('button', { name: 'Create account and sign in' }).click();
    await expect(nina.getByRole('alert').textContent()).resolves.toContain('The two passwords are not the same');
    await nina.getByLabel('Confirm password').fill('nina picked this one');
    await nina.getByRole('button', { name: 'Create account and sign in' }).click();

    await nina.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
    const banner = nina.getByRole('banner');
    await banner.getByText('Nina New').waitFor();
    await banner.getByText('Marketing', { exact: true }).waitFor();
    expect(new URL(nina.url()).pathname).toBe('/');
    await expect(roleOf('nina@example.com')).resolves.toBe('marketing');

    // The admin sees her as a user, no longer as a pending invite.
    await admin.reload();
    await admin.getByText('nina@example.com').waitFor();
    await expect(admin.getByRole('region', { name: /Pending invites/ }).count()).resolves.toBe(0);

    // The same link, opened again elsewhere, says it was used and offers the sign-in page.
    const again = await freshPage();
    await again.goto(`${e2e.baseUrl}${path}`);
    await again.getByRole('heading', { name: 'This invite has already been used' }).waitFor();
    await again.getByRole('link', { name: 'Go to sign in' }).waitFor();
    await screenshot(again, 'people-05-invite-used');
  });

  it('says so when an invite was revoked', async () => {
    await admin.getByRole('button', { name: 'Invite person' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Email').fill('oops@example.com');
    await dialog.getByRole('button', { name: 'Create invite link' }).click();
    const link = await dialog.getByLabel('Invite link').inputValue();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await admin.getByRole('button', { name: 'Revoke the invite for oops@example.com' }).click();
    await admin.getByText('Invite for oops@example.com revoked; its link no longer works').waitFor();

    const visitor = await freshPage();
    await visitor.goto(`${e2e.baseUrl}${new URL(link).pathname}`);
    await visitor.getByRole('heading', { name: 'This invite was withdrawn' }).waitFor();
    expect(new URL(visitor.url()).pathname).toMatch(/^\/invite\//);
  });

  it('asks before changing a role or disabling someone, and Cancel changes nothing', async () => {
    const role = admin.getByLabel(`Role of ${people.other.name}`);
    await role.selectOption('approver');
    const confirm = admin.getByRole('dialog');
    await confirm.getByRole('heading', { name: `Make ${people.other.name} approver?` }).waitFor();
    await confirm.getByText(`${people.other.name} (${people.other.email}) goes from Sales to Approver`).waitFor();
    await screenshot(admin, 'people-06-confirm-role', { fullPage: false });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => role.inputValue()).toBe('sales');
    await expect(roleOf(people.other.email)).resolves.toBe('sales');

    // Escape is a cancel too.
    await role.selectOption('marketing');
    await confirm.getByRole('heading', { name: `Make ${people.other.name} marketing?` }).waitFor();
    await admin.keyboard.press('Escape');
    await expect.poll(() => role.inputValue()).toBe('sales');
    await confirm.waitFor({ state: 'hidden' });

    await role.selectOption('approver');
    await confirm.getByRole('button', { name: 'Make approver' }).click();
    await admin.getByText(`${people.other.name} is now approver`).waitFor();
    await expect.poll(() => role.inputValue()).toBe('approver');
    await expect(roleOf(people.other.email)).resolves.toBe('approver');

    const row = admin.getByRole('row', { name: new RegExp(people.other.name) });
    await row.getByRole('button', { name: 'Disable' }).click();
    await confirm.getByRole('heading', { name: `Disable ${people.other.name}?` }).waitFor();
    await confirm.getByText(/is signed out everywhere, their API tokens end, and they cannot sign in/).waitFor();
    await screenshot(admin, 'people-07-confirm-disable', { fullPage: false });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await row.getByText('Active').waitFor();
    expect((await e2e.t.app.services.auth.findUserByEmail(people.other.email))?.disabled).toBe(false);

    await row.getByRole('button', { name: 'Disable' }).click();
    await confirm.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('Disabled').waitFor();
    expect((await e2e.t.app.services.auth.findUserByEmail(people.other.email))?.disabled).toBe(true);
  });

  it('lets a user change their own password from their account page and sign in with the new one', async () => {
    const sam = await freshPage();
    await signIn(sam, e2e.baseUrl, people.sales.email);
    await sam.getByRole('link', { name: /your account/ }).click();
    await sam.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();

    await sam.getByLabel('Current password').fill('not my password');
    await sam.getByLabel('New password', { exact: true }).fill('a fresh secret phrase');
    await sam.getByLabel('Confirm new password').fill('a fresh secret phrase');
    await sam.getByRole('button', { name: 'Change password' }).click();
    await expect(sam.getByRole('alert').textContent()).resolves.toContain('The current password is wrong');
    expect(new URL(sam.url()).pathname).toBe('/account'); // still signed in

    await sam.getByLabel('Current password').fill(PASSWORD);
    await sam.getByRole('button', { name: 'Change password' }).click();
    await sam.getByRole('status').getByText('Password changed.').waitFor();
    await expect(sam.getByLabel('Current password').inputValue()).resolves.toBe('');
    await screenshot(sam, 'people-08-account-password-changed');

    await signOut(sam);
    await signInWith(sam, people.sales.email, PASSWORD);
    await expect(sam.getByRole('alert').textContent()).resolves.toContain('Wrong email or password');
    await signInWith(sam, people.sales.email, 'a fresh secret phrase');
    await sam.getByRole('heading', { name: 'Find content', level: 1 }).waitFor();
  });

  it('ran without a script error on any page', () => {
    expect(scriptErrors).toEqual([]);
  });
});
