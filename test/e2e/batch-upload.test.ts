// A batch upload through a real browser: shared fields for every file, and each file with its own title and tags on top.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { seriousViolations } from '../support/axe.ts';
import { pdf, png } from '../support/files.ts';
import { describeInBrowser, screenshot, signIn, startE2E, writeFixture, type E2E } from '../support/e2e-browser.ts';

const marketing = { email: 'bea@example.com', name: 'Bea Marketing', role: 'marketing' } as const;

describeInBrowser('batch upload in the browser', () => {
  let e2e: E2E;
  let page: Page;
  let files: string[];
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E([marketing]);
    files = [
      writeFixture(e2e, 'Brochure.pdf', await pdf(['Spring brochure'])),
      writeFixture(e2e, 'Case_study.pdf', await pdf(['How Acme cut costs'])),
      writeFixture(e2e, 'Banner.png', await png(600, 200)),
    ];
    const context = await e2e.browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => scriptErrors.push(error.message));
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const queue = () => page.getByRole('region', { name: 'Upload queue' });
  const row = (file: string) => queue().getByRole('listitem').filter({ has: page.getByText(file, { exact: true }) });
  const fieldsOf = (file: string) => queue().getByRole('group', { name: `Fields for ${file}` });

  /** Ticks or unticks terms in a TagPicker, then closes its menu with Escape as a keyboard user would. */
  async function pick(scope: Locator, picker: string, terms: Record<string, boolean>) {
    await scope.getByLabel(picker).click();
    for (const [term, on] of Object.entries(terms)) await scope.getByRole('checkbox', { name: term, exact: true }).setChecked(on);
    await page.keyboard.press('Escape');
  }

  /** The changes listed under a file, as a screen reader reads them (the +/− signs are for the eye only). */
  async function changesOf(file: string): Promise<string[]> {
    const list = queue().getByRole('list', { name: `Own changes for ${file}` });
    if (!(await list.count())) return [];
    return list.getByRole('listitem').evaluateAll((items) => items.map((item) => [...item.children]
      .filter((child) => child.getAttribute('aria-hidden') !== 'true').map((child) => child.textContent).join(' ').replace(/\s+/g, ' ').trim()));
  }

  it('uploads each file with the shared fields plus its own changes', async () => {
    await signIn(page, e2e.baseUrl, marketing.email);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose files' }).click();
    await (await chooser).setFiles(files);
    await queue().getByRole('heading', { name: 'Upload 3 files' }).waitFor();

    // Shared: CFO, Awareness and Evaluation, English, the tag "launch".
    await pick(queue(), 'Personas', { CFO: true });
    await pick(queue(), 'Stages', { Awareness: true, Evaluation: true });
    await queue().getByLabel('Language').selectOption('en');
    await queue().getByLabel('Tags').fill('launch');
    await page.keyboard.press('Enter');
    expect(await changesOf('Brochure.pdf')).toEqual([]);

    // File 2: its own title, and one more persona. Opened from the keyboard; focus goes to its first field.
    await queue().getByLabel('Title for Case_study.pdf').fill('Acme case study');
    const customize = queue().getByRole('button', { name: 'Customize Case_study.pdf' });
    await expect(customize.getAttribute('aria-expanded')).resolves.toBe('false');
    await customize.focus();
    await page.keyboard.press('Enter');
    const second = fieldsOf('Case_study.pdf');
    await second.waitFor();
    await expect(customize.getAttribute('aria-expanded')).resolves.toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(await second.getByLabel('Personas for Case_study.pdf').getAttribute('id'));
    // It starts from the shared fields.
    await expect(second.getByLabel('Personas for Case_study.pdf').textContent()).resolves.toContain('CFO');
    await pick(second, 'Personas for Case_study.pdf', { CIO: true });
    expect(await changesOf('Case_study.pdf')).toEqual(['Adds CIO']);
    // Escape (with no menu open) closes the file's fields and gives focus back to its Customize button.
    await page.keyboard.press('Escape');
    await expect(second.count()).resolves.toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Customize Case_study.pdf');

    // File 3: one shared stage left out, and German instead of English.
    await queue().getByRole('button', { name: 'Customize Banner.png' }).click();
    const third = fieldsOf('Banner.png');
    await pick(third, 'Stages for Banner.png', { Evaluation: false });
    await third.getByLabel('Language for Banner.png').selectOption('de');
    expect(await changesOf('Banner.png')).toEqual(['Leaves out Evaluation', 'Language: German']);
    await expect(third.getByText('changed', { exact: true }).count()).resolves.toBe(2);
    await expect(seriousViolations(page, 'section[aria-label="Upload queue"]')).resolves.toEqual([]);
    await screenshot(page, '40-batch-upload-file-fields');
    await page.setViewportSize({ width: 800, height: 900 });
    await screenshot(page, '41-batch-upload-file-fields-narrow');
    await page.setViewportSize({ width: 1360, height: 900 });
    await third.getByRole('button', { name: 'Done' }).click();

    // File 1 tried its own persona, then went back to the shared fields.
    await queue().getByRole('button', { name: 'Customize Brochure.pdf' }).click();
    await pick(fieldsOf('Brochure.pdf'), 'Personas for Brochure.pdf', { CFO: false, Procurement: true });
    expect(await changesOf('Brochure.pdf')).toEqual(['Adds Procurement', 'Leaves out CFO']);
    await fieldsOf('Brochure.pdf').getByRole('button', { name: 'Done' }).click();
    await screenshot(page, '42-batch-upload-own-changes');
    await expect(seriousViolations(page, 'section[aria-label="Upload queue"]')).resolves.toEqual([]);
    await row('Brochure.pdf').getByRole('button', { name: 'Reset to shared for Brochure.pdf' }).click();
    expect(await changesOf('Brochure.pdf')).toEqual([]);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Customize Brochure.pdf');

    // A shared field changed after the files' own edits still reaches every file.
    await queue().getByLabel('Tags').fill('spring');
    await page.keyboard.press('Enter');

    await queue().getByRole('button', { name: 'Upload 3 files' }).click();
    await queue().getByRole('status').getByText('All 3 files are uploaded').waitFor({ timeout: 20_000 });

    const res = await e2e.t.app.inject({ method: 'GET', url: '/api/assets?owner=me', headers: await e2e.t.as('marketing', marketing.email) });
    expect(res.statusCode).toBe(200);
    const byFile = Object.fromEntries((res.json().items as { version: { filename: string }; title: string; personas: string[]; stages: string[]; tags: string[]; language: string | null }[])
      .map((a) => [a.version.filename, { title: a.title, personas: [...a.personas].sort(), stages: [...a.stages].sort(), tags: [...a.tags].sort(), language: a.language }]));
    expect(byFile).toEqual({
      'Brochure.pdf': { title: 'Brochure', personas: ['cfo'], stages: ['awareness', 'evaluation'], tags: ['launch', 'spring'], language: 'en' },
      'Case_study.pdf': { title: 'Acme case study', personas: ['cfo', 'cio'], stages: ['awareness', 'evaluation'], tags: ['launch', 'spring'], language: 'en' },
      'Banner.png': { title: 'Banner', personas: ['cfo'], stages: ['awareness'], tags: ['launch', 'spring'], language: 'de' },
    });
    expect(scriptErrors).toEqual([]);
  });
});
