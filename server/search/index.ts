// The one interface search runs behind. The service feeds it assets and asks it questions; nothing else knows
// how matching works, so the in-process index can give way to OpenSearch or Meilisearch without touching
// routes or reports.
import type { Audience } from '../access/visibility.ts';
import type { FacetKey } from '../taxonomy/service.ts';
import type { ParsedQuery } from './query-parser.ts';
import type { SnapshotData } from './snapshot-file.ts';

/** Facets the search answers with counts, and filters on. */
export const SEARCH_FACETS = ['persona', 'stage', 'kind', 'product', 'industry', 'language'] as const;
export type SearchFacet = (typeof SEARCH_FACETS)[number];

/** Selected values per facet (any of them) plus free tags; facets combine with AND. */
export type SearchFilters = Partial<Record<SearchFacet | 'tag', string[]>>;

export interface IndexedVersion {
  id: string;
  filename: string;
  /** Changes whenever the version's row does (see textStamp in queries.ts); absent for versions made up in tests. */
  stamp?: string;
  /**
   * Text extracted from the file; null until processing has read it (or for images and videos). The boot build
   * passes it as the UTF-8 bytes the database sent, so gigabytes of it never become strings.
   */
  text: string | Uint8Array | null;
  /**
   * The text's distinct words and their counts as processing stored them (see text-terms.ts): the boot build
   * reads these instead of the text. Absent or null where there are none (the text is tokenized then).
   */
  terms?: string | Uint8Array | null;
}

/** What the index knows of an asset: metadata, taxonomy terms, and the versions each audience gets. */
export interface IndexedAsset {
  id: string;
  title: string;
  description: string;
  tags: string[];
  kind: string;
  terms: { facet: FacetKey; slug: string; label: string }[];
  /** Epoch ms; expiry is checked at query time, so nothing has to happen when it passes. */
  expiresAt: number | null;
  /** Epoch ms of approval (or of the last change, for never-approved assets), for the freshness boost. */
  freshAt: number;
  /** The newest version: what marketing and up search. */
  staffVersion: IndexedVersion;
  /** The approved version, when the asset is live for sales (approved once, not archived); else null. */
  salesVersion: IndexedVersion | null;
  /**
   * Changes whenever anything above does (rows by their transaction stamps, taxonomy labels by a hash), so an
   * index loaded from a snapshot can tell which assets changed since it was saved without reading their text.
   */
  fingerprint: string;
}

/** Sales search live assets as approved; staff (marketing and up) search everything as it is now. */
export type { Audience };

/**
 * What ranking and hits know of an asset's use. Ranking counts person-days, not events: one person's repeats on
 * one day (a dozen views, clicks and downloads of one deck) count once, so one enthusiast cannot lift an asset
 * above what the whole team uses.
 */
export interface AssetUsage {
  /** Distinct (person, day) pairs with a counted use, each weighing 2^(−age / 30 days): what ranking reads. */
  decayed: number;
  /** Counted uses (events) in the last 30 days. */
  last30Days: number;
  /** Distinct people with a counted use in the last 30 days, for "used by 3 colleagues this month". */
  people30Days: number;
}

export interface SearchRequest {
  query: ParsedQuery;
  audience: Audience;
  filters: SearchFilters;
  limit: number;
  offset: number;
  /** Epoch ms: expiry and freshness are judged against it. */
  now: number;
  /** Complete the word being typed even when it is a common word as typed (suggestions; see planWord). */
  completeAll?: boolean;
}

export interface SearchHit {
  assetId: string;
  /** The version that matched (the approved one for sales). */
  versionId: string;
  score: number;
  /** Whether the words were found in the title, tags or other metadata, or only inside the document. */
  matchedIn: 'metadata' | 'text' | null;
  /** Found by every word of the query that has to match (see isQualifier in query-plan.ts); hits doing so come first. */
  matchesAll: boolean;
  usage: AssetUsage;
}

export interface FacetCount { value: string; count: number }

export interface SearchOutcome {
  total: number;
  /** Of `total`, the hits that match only some of the words (they follow every hit that matches them all). */
  partialCount: number;
  hits: SearchHit[];
  facets: Record<SearchFacet, FacetCount[]>;
  /** Per query word, the indexed words it matched (itself, completions, typo corrections), for highlighting. */
  matched: { word: string; terms: string[] }[];
}

export interface SearchIndex {
  /** Adds or replaces an asset. */
  index(asset: IndexedAsset): void;
  /** Adds or replaces many assets, batch by batch (the build at boot); returns how many were read. */
  indexMany(batches: AsyncIterable<IndexedAsset[]>): Promise<number>;
  remove(assetId: string): void;
  query(request: SearchRequest): SearchOutcome;
  /** Replaces the usage figures of the given assets (others keep theirs). */
  setUsage(usage: Map<string, AssetUsage>): void;
  /** Assets held. */
  readonly size: number;
  /** Ids of the assets held. */
  assetIds(): Iterable<string>;
  /** The fingerprint of an asset as it was indexed; undefined when not held. */
  fingerprint(assetId: string): string | undefined;
  /** What to save, so a later process can restore it instead of building (optional: an external engine keeps its own). */
  snapshot?(): SnapshotData;
  /** Loads a snapshot into this empty index; throws when it does not fit together. */
  restore?(data: SnapshotData): void;
  /** Drops everything held. */
  clear?(): void;
}
