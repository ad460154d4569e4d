// One opportunity (a CRM deal) checked field by field, the same way whether it came as JSON or as a CSV row: a bad
// field is named with the reason, so a person fixing a spreadsheet knows which cell to look at.
import type { opportunities } from '../db/schema.ts';

export const OUTCOMES = ['won', 'lost', 'open'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type OpportunityRow = typeof opportunities.$inferInsert;

/** As a share's `opportunity` takes it (sharing/schemas.ts): the same id joins the two. */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/#-]*$/;
const MAX_AMOUNT = 1e15;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
/** Plain decimals as CRMs export them: 1234, 1234.5, 1234.56 (no thousands separators: "1,234" is ambiguous). */
const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export interface OpportunityFields {
  externalId: string; name: string; amount: number | string; currency: string; stage: string; outcome: string;
  closedAt?: string | null;
}

export type Checked = { ok: true; row: OpportunityRow } | { ok: false; field: keyof OpportunityFields; reason: string };

const fail = (field: keyof OpportunityFields, reason: string): Checked => ({ ok: false, field, reason });

export function checkOpportunity(input: OpportunityFields): Checked {
  const externalId = input.externalId.trim();
  if (!externalId) return fail('externalId', 'is empty');
  if (externalId.length > 100 || !EXTERNAL_ID_PATTERN.test(externalId)) return fail('externalId', 'must be letters, digits and _ . : / # - (at most 100)');
  const name = input.name.trim();
  if (!name || name.length > 200) return fail('name', name ? 'is longer than 200 characters' : 'is empty');
  const amountText = String(input.amount).trim();
  const amount = DECIMAL.exec(amountText);
  if (!amount) return fail('amount', `"${amountText}" is not an amount like 1234.50 (no sign, at most 2 decimals, no thousands separators)`);
  if (Number(amountText) > MAX_AMOUNT) return fail('amount', 'is too large');
  const currency = input.currency.trim().toUpperCase();
  if (!CURRENCIES.has(currency)) return fail('currency', `"${input.currency.trim()}" is not an ISO 4217 currency code such as EUR or USD`);
  const stage = input.stage.trim();
  if (!stage || stage.length > 100) return fail('stage', stage ? 'is longer than 100 characters' : 'is empty');
  const outcome = input.outcome.trim().toLowerCase();
  if (!(OUTCOMES as readonly string[]).includes(outcome)) return fail('outcome', `"${input.outcome.trim()}" is not one of won, lost, open`);
  let closedAt: Date | null = null;
  const closedText = input.closedAt?.trim();
  if (closedText) {
    closedAt = new Date(DATE_ONLY.test(closedText) ? `${closedText}T00:00:00Z` : closedText);
    if (Number.isNaN(closedAt.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(closedText)) return fail('closedAt', `"${closedText}" is not a date like 2026-11-30 or 2026-11-30T15:00:00Z`);
  }
  // A deal closes when it is won or lost; without a date it closed when we heard of it.
  if (outcome !== 'open' && !closedAt) closedAt = new Date();
  if (outcome === 'open') closedAt = null;
  return {
    ok: true,
    row: { externalId, name, amount: `${BigInt(amount[1]!)}.${(amount[2] ?? '').padEnd(2, '0')}`, currency, stage, outcome: outcome as Outcome, closedAt },
  };
}
