import { Type, type Static } from 'typebox';
import { AssetSchema } from '../assets/schemas.ts';
import { SEARCH_FACETS } from './index.ts';
import { SNIPPET_FIELDS } from './snippets.ts';

// Filter values are checked by the service against the taxonomy, so a wrong one gets a 400 naming the valid ones.
const FilterValues = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 });

export const SearchQuery = Type.Object({
  // No maxLength: a very long query is cut by the service, not refused.
  q: Type.Optional(Type.String()),
  persona: Type.Optional(FilterValues),
  stage: Type.Optional(FilterValues),
  kind: Type.Optional(FilterValues),
  product: Type.Optional(FilterValues),
  industry: Type.Optional(FilterValues),
  language: Type.Optional(FilterValues),
  tag: Type.Optional(FilterValues),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 1000, default: 0 }),
}, { additionalProperties: false });
export type SearchQuery = Static<typeof SearchQuery>;

const Highlight = Type.Object({ start: Type.Integer(), end: Type.Integer() });
export const SnippetSchema = Type.Object({
  /** Where the match came from. */
  field: Type.Enum([...SNIPPET_FIELDS]),
  text: Type.String(),
  /** Matched words as [start, end) offsets into `text`; the UI marks them. */
  highlights: Type.Array(Highlight),
});

const FacetValue = Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() });

export const SearchResult = Type.Object({
  /** Send it back with the click on a hit (POST /api/events { kind: "click", queryId }). */
  queryId: Type.String(),
  total: Type.Integer(),
  hits: Type.Array(Type.Object({
    asset: AssetSchema,
    score: Type.Number(),
    snippet: Type.Union([SnippetSchema, Type.Null()]),
    /** Counted uses by sales in the last 30 days ("used 12× this month"). */
    usage: Type.Object({ last30Days: Type.Integer() }),
  })),
  facets: Type.Object(Object.fromEntries(SEARCH_FACETS.map((f) => [f, Type.Array(FacetValue)])) as Record<(typeof SEARCH_FACETS)[number], ReturnType<typeof Type.Array<typeof FacetValue>>>),
});

export const SuggestQuery = Type.Object({ q: Type.Optional(Type.String()) }, { additionalProperties: false });
export const Suggestions = Type.Object({ suggestions: Type.Array(Type.String()) });
