// axe-core in the browser under test: its serious and critical WCAG 2.1 A/AA findings, one readable line each.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }

/** Checks the whole page, or the element `within` selects. */
export async function seriousViolations(page: Page, within?: string): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the app's CSP (no inline scripts) stays as it is in production.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async (selector) => {
    // axe-core is injected above as a page script; the test's types do not know its global.
    const axe = (window as unknown as { axe: { run(context: Element | Document, options: object): Promise<{ violations: unknown[] }> } }).axe;
    const context = selector ? document.querySelector(selector)! : document;
    return (await axe.run(context, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations;
  }, within) as Violation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`));
}
