// TypeBox schemas of the reports' queries and answers (GET /api/reports/*).
import { Type } from 'typebox';
import { KINDS } from '../assets/file-type.ts';
import { ASSET_SORTS } from './assets.ts';
import { HINT_KINDS } from './hints.ts';
import { EVENT_KINDS } from './measures.ts';
import { TREND_INTERVALS } from './trend.ts';
import { UNUSED_REASONS } from './unused.ts';
import { DEFAULT_DAYS, MAX_DAYS } from './window.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const Count = Type.Integer({ minimum: 0 });

const windowFields = {
  days: Type.Integer({ minimum: 1, maximum: MAX_DAYS, default: DEFAULT_DAYS, description: `the window: the last N days, ending now (1–${MAX_DAYS})` }),
};
const formatField = { format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'csv: the list as a streamed text/csv file with a header row' })) };
const cellFields = {
  persona: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'only assets of this persona (searches naming it)' })),
  stage: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'only assets of this stage (searches naming it)' })),
};
const limitField = { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200, description: 'JSON only; the CSV has every row' }) };

export const SummaryQuery = Type.Object({ ...windowFields }, { additionalProperties: false });
export const UnusedQuery = Type.Object({ ...windowFields, ...formatField, ...cellFields, ...limitField }, { additionalProperties: false });
export const AssetsQuery = Type.Object({
  ...windowFields, ...formatField, ...cellFields, ...limitField, sort: Type.Enum([...ASSET_SORTS], { default: '-uses' }),
}, { additionalProperties: false });
export const CoverageQuery = Type.Object({ ...windowFields, ...formatField }, { additionalProperties: false });
export const SearchesQuery = Type.Object({ ...windowFields, ...formatField, ...cellFields }, { additionalProperties: false });
export const TrendQuery = Type.Object({
  ...windowFields, ...formatField, interval: Type.Enum([...TREND_INTERVALS], { default: 'day' }),
}, { additionalProperties: false });
export const HintsQuery = Type.Object({ ...windowFields, ...formatField, ...limitField }, { additionalProperties: false });

export const ReportAssetSchema = Type.Object({
  id: Type.String(), title: Type.String(), kind: Type.Enum([...KINDS]),
  owner: Type.Object({ id: Type.String(), name: Type.String() }),
  personas: Type.Array(Type.String()), stages: Type.Array(Type.String()),
  thumbnailUrl: Nullable(Type.String()),
});

export const Summary = Type.Object({
  from: Time, to: Time, days: Count,
  liveAssets: Count, usedAssets: Count, unusedAssets: Count,
  usedPct: Type.Number({ minimum: 0, maximum: 100, description: 'used ÷ live assets, in percent to one decimal; 0 without live assets' }),
  unusedPct: Type.Number({ minimum: 0, maximum: 100 }),
  events: Type.Object(Object.fromEntries(EVENT_KINDS.map((kind) => [kind, Count])) as Record<(typeof EVENT_KINDS)[number], typeof Count>),
  activeSalesUsers: Count, searches: Count, zeroResultSearches: Count,
}, { description: 'USED: at least one counted download, share, copied link or presentation in the window; views and clicks open an asset, they do not use it' });

export const UnusedList = Type.Object({
  total: Count,
  items: Type.Array(Type.Object({
    asset: ReportAssetSchema, approvedAt: Time, daysLive: Count, lastUsedAt: Nullable(Time), expiresAt: Nullable(Time),
    reason: Type.Enum([...UNUSED_REASONS]), reasonText: Type.String(),
  })),
});

export const AssetUsageList = Type.Object({
  scoreFormula: Type.String(), minUses: Count, total: Count,
  items: Type.Array(Type.Object({
    asset: ReportAssetSchema, uses: Count, views: Count, downloads: Count, shares: Count, shareOpens: Count,
    helpful: Type.Integer({ minimum: 0, description: "People whose latest feedback in the window says it helped" }),
    notHelpful: Type.Integer({ minimum: 0, description: "People whose latest feedback in the window says it didn't help" }),
    uniqueUsers: Count, lastUsedAt: Nullable(Time),
    score: Nullable(Type.Number({ minimum: 0 })),
    cell: Type.Object({ persona: Nullable(Type.String()), stage: Nullable(Type.String()) }),
  })),
});

const TermSchema = Type.Object({ slug: Type.String(), label: Type.String() });
export const Coverage = Type.Object({
  personas: Type.Array(TermSchema), stages: Type.Array(TermSchema),
  cells: Type.Array(Type.Object({
    persona: Type.String(), stage: Type.String(), liveAssets: Count, usedAssets: Count, uses: Count, shareOpens: Count, zeroResultSearches: Count,
  })),
});

export const SearchAnalytics = Type.Object({
  top: Type.Array(Type.Object({ query: Type.String(), count: Count, clickRate: Type.Number({ minimum: 0, maximum: 1 }), searchers: Count })),
  zeroResults: Type.Array(Type.Object({
    query: Type.String({ description: 'the most frequent spelling; "" for searches with filters and no words' }),
    variants: Type.Array(Type.String()), count: Count, searchers: Count, lastAt: Time,
  })),
});

export const Trend = Type.Object({
  interval: Type.Enum([...TREND_INTERVALS]),
  points: Type.Array(Type.Object({
    date: Type.String({ description: 'YYYY-MM-DD (UTC), the first day of the bucket' }),
    views: Count, downloads: Count, shares: Count, searches: Count, uses: Count,
  })),
});

export const Hints = Type.Object({
  total: Type.Integer({ minimum: 0, description: 'Hints in all, of which `limit` are listed' }),
  items: Type.Array(Type.Object({
    asset: ReportAssetSchema, hint: Type.Enum([...HINT_KINDS]), text: Type.String(), expiresAt: Nullable(Time),
    daysLive: Count, usesNow: Count, usesBefore: Count,
  })),
});
