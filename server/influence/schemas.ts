// The shapes of the influence API: opportunities from the CRM, their CSV import, and the per-asset influence report.
import { Type } from 'typebox';
import { ReportAssetSchema } from '../reports/schemas.ts';
import { MAX_DAYS } from '../reports/window.ts';
import { OUTCOMES } from './opportunity.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });

export const NewOpportunityBody = Type.Object({
  externalId: Type.String({ minLength: 1, maxLength: 100, description: "The CRM's id; the same as a share's `opportunity`" }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  amount: Type.Union([Type.Number({ minimum: 0 }), Type.String({ maxLength: 40 })], { description: 'At most 2 decimals, in `currency`' }),
  currency: Type.String({ minLength: 3, maxLength: 3, description: 'ISO 4217, e.g. EUR' }),
  stage: Type.String({ minLength: 1, maxLength: 100, description: "The CRM's stage name" }),
  outcome: Type.Enum([...OUTCOMES]),
  closedAt: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'A date or date-time; a won or lost deal without it closed now' }))),
}, { additionalProperties: false });

export const OpportunityParams = Type.Object({ externalId: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export const Opportunity = Type.Object({
  externalId: Type.String(), name: Type.String(), amount: Type.Number(), currency: Type.String(), stage: Type.String(),
  outcome: Type.Enum([...OUTCOMES]), closedAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }), updatedAt: Type.String({ format: 'date-time' }),
}, { title: 'Opportunity' });

export const ImportQuery = Type.Object({
  allOrNothing: Type.Boolean({ default: false, description: 'Import none when any row is bad (default: import the good rows)' }),
  dryRun: Type.Boolean({ default: false, description: 'Only check: the summary before importing' }),
}, { additionalProperties: false });

export const ImportSummary = Type.Object({
  mode: Type.Enum(['good-rows', 'none'], { description: 'good-rows: the good rows were imported; none: nothing was (a dry run, or all-or-nothing with bad rows)' }),
  rows: Count, valid: Type.Integer({ minimum: 0, description: 'Good rows (one per externalId)' }),
  imported: Count, created: Count, updated: Count,
  rejected: Type.Array(Type.Object({ row: Type.Integer({ minimum: 2, description: 'As a spreadsheet numbers it: the header is row 1' }), reason: Type.String() }), { description: 'The first 1000' }),
  rejectedCount: Count,
}, { title: 'OpportunityImport' });

export const InfluenceQuery = Type.Object({
  days: Type.Integer({ minimum: 1, maximum: MAX_DAYS, default: 365, description: `deals closed in the last N days (1–${MAX_DAYS}), and open ones` }),
  assetId: Type.Optional(Type.String({ format: 'uuid', description: 'One asset only' })),
  format: Type.Optional(Type.Enum(['json', 'csv'])),
}, { additionalProperties: false });

export const Influence = Type.Object({
  days: Count, currency: Nullable(Type.String({ description: 'The currency revenueWon is in: the one most won deals are in' })),
  minDeals: Count, rankedBy: Type.String(),
  items: Type.Array(Type.Object({
    asset: ReportAssetSchema, wonDeals: Count, lostDeals: Count, openDeals: Count, closedDeals: Count,
    revenueWon: Type.Number({ minimum: 0 }), otherRevenueWon: Type.Record(Type.String(), Type.Number(), { description: 'Won revenue in other currencies' }),
    winRate: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'won ÷ closed deals' })),
    winRateLow: Type.Number({ minimum: 0, maximum: 1, description: 'The 95 % Wilson lower bound of the win rate: what ranks' }),
    ranked: Type.Boolean({ description: 'Backed by enough closed deals to be ranked' }),
  })),
}, { title: 'Influence' });
