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
}, { title: 'SearchSnippet' });

// Titles name the schemas in the OpenAPI document's components (server/openapi/components.ts).
const FacetValue = Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() }, { title: 'FacetCount' });

export const SearchResult = Type.Object({
  /** Send it back with the click on a hit (POST /api/events { kind: "click", queryId }). */
  queryId: Type.String(),
  query: Type.String({ description: 'The query as understood: trimmed, cut to its first words, and empty when it has no words (punctuation alone browses, as no query does).' }),
  total: Type.Integer(),
  partialCount: Type.Integer({
    description: 'Of `total`, the hits matching only some of the words; they follow every hit matching them all (0 when browsing).',
  }),
  hits: Type.Array(Type.Object({
    asset: AssetSchema,
    score: Type.Number(),
    snippet: Type.Union([SnippetSchema, Type.Null()]),
    matchesAll: Type.Boolean({
      description: 'Whether the hit matches every word of the query. A bare number of up to three digits or a single letter ("2" in "SOC 2") '
        + 'counts only in the title, tags, labels, file name or description, and is not required (page numbers are everywhere in texts).',
    }),
    usage: Type.Object({
      last30Days: Type.Integer({ description: 'Counted uses by sales in the last 30 days (every event).' }),
      people30Days: Type.Integer({ description: 'Distinct people who used it in the last 30 days ("used by 3 colleagues this month"). Ranking counts one person once a day.' }),
    }),
  }, { title: 'SearchHit' })),
  facets: Type.Object(Object.fromEntries(SEARCH_FACETS.map((f) => [f, Type.Array(FacetValue)])) as Record<(typeof SEARCH_FACETS)[number], ReturnType<typeof Type.Array<typeof FacetValue>>>),
}, { title: 'SearchResult' });

export const SuggestQuery = Type.Object({ q: Type.Optional(Type.String()) }, { additionalProperties: false });
export const Suggestions = Type.Object({ suggestions: Type.Array(Type.String()) });
