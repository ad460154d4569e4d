// Browser tests: the real app on a random port, driven by Debian's Chromium through playwright-core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, it } from 'vitest';
import type { Role } from '../../server/auth/roles.ts';
import { webDist } from '../../server/paths.ts';
import { sessionCookie, testApp, type TestApp } from './app.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = fs.existsSync(CHROMIUM);
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../e2e/screenshots');
export const PASSWORD = 'correct horse battery';

/**
 * A suite that needs Chromium: skipped where there is none, but failing when E2E_REQUIRED=1 (CI sets it), so a
 * missing browser cannot make the browser tests pass unseen.
 */
export function describeInBrowser(name: string, suite: () => void): void {
  if (!chromiumAvailable && process.env.E2E_REQUIRED === '1') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`E2E_REQUIRED=1 but ${CHROMIUM} is missing: apt-get install -y chromium`);
      });
    });
    return;
  }
  describe.skipIf(!chromiumAvailable)(name, suite);
}

export interface Person { email: string; name: string; role: Role }

/** The team of the journeys from the field back to marketing (feedback, requests, influence). */
export const TEAM = {
  approver: { email: 'alex@example.com', name: 'Alex Approver', role: 'approver' },
  marketing: { email: 'max@example.com', name: 'Max Marketing', role: 'marketing' },
  sky: { email: 'sky@example.com', name: 'Sky Sales', role: 'sales' },
} as const satisfies Record<string, Person>;

export interface E2E {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  /** A scratch folder for fixture files the browser uploads. */
  files: string;
  close(): Promise<void>;
}

/** Starts the app with the built web app, creates the people, launches Chromium. */
export async function startE2E(people: Person[]): Promise<E2E> {
  if (!fs.existsSync(path.join(webDist, 'index.html'))) {
    throw new Error(`${webDist}/index.html is missing: run \`npm run build\` before the browser tests (npm test does)`);
  }
  // Background jobs on: thumbnails and previews appear as they would for a real user.
  const t = await testApp({ serveWeb: true, backgroundJobs: true });
  for (const person of people) await t.app.services.auth.createUser({ ...person, password: PASSWORD });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-e2e-'));
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    t, baseUrl: `http://127.0.0.1:${port}`, browser, files,
    async close() {
      await browser.close();
      await t.close();
      fs.rmSync(files, { recursive: true, force: true });
    },
  };
}

export function writeFixture(e2e: E2E, name: string, content: Buffer): string {
  const file = path.join(e2e.files, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Headers carrying a session of one of the people, for arranging data through the API beside the browser. */
export async function apiSession(e2e: E2E, email: string): Promise<Record<string, string>> {
  const res = await e2e.t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });
  return { cookie: sessionCookie(res) };
}

/** Signs in through the form and waits for the home page: the library, or for sales the search. */
export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^(Library|Find content)$/, level: 1 }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/** A full-page screenshot under test/e2e/screenshots/ (git-ignored), for looking at the design. */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  // Let fades and toasts settle so the picture shows the page, not a transition.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}
