// How matches are ordered: text relevance first, then what sales actually use, then a little for freshness.
// Multiplicative and bounded, so usage reorders comparable matches but never lifts a weak match over a strong one.

const DAY = 86_400_000;

/** Uses count half as much after this long. */
export const USAGE_HALF_LIFE_DAYS = 30;
/** A heavily used asset scores up to this much higher (×1.6); ten recent uses give about +33 %. */
const USAGE_WEIGHT = 0.6;
const USAGE_SATURATION = 8;
/** New or newly approved content scores up to ×1.12, halving every 90 days. */
const FRESHNESS_WEIGHT = 0.12;
const FRESHNESS_HALF_LIFE_DAYS = 90;

/** Decay factor for a use that happened `ageMs` ago. */
export function decay(ageMs: number): number {
  return Math.pow(2, -Math.max(0, ageMs) / (USAGE_HALF_LIFE_DAYS * DAY));
}

/** Multiplier on text relevance from decayed recent uses (each use counts 1 when new). */
export function usageBoost(decayedUses: number): number {
  return 1 + (USAGE_WEIGHT * decayedUses) / (decayedUses + USAGE_SATURATION);
}

/** Multiplier on text relevance from when the asset was approved (or last changed, for unapproved ones). */
export function freshnessBoost(freshAt: number, now: number): number {
  return 1 + FRESHNESS_WEIGHT * Math.pow(2, -Math.max(0, now - freshAt) / (FRESHNESS_HALF_LIFE_DAYS * DAY));
}

/** Ordering of an empty query (browse): most used first, fresher first among equally used. */
export function browseScore(decayedUses: number, freshAt: number, now: number): number {
  return Math.log1p(decayedUses) + (freshnessBoost(freshAt, now) - 1);
}

// Text relevance: BM25-like. Document text keeps a 3-bit quantised tf weight per posting; metadata keeps
// which fields the word is in, each field with its own weight.
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
export const TEXT_BUCKETS = 8;
const TEXT_MAX = BM25_K1 + 1;

/** The 3-bit impact of a word used `tf` times in a text of `length` words (average `averageLength`). */
export function textImpact(tf: number, length: number, averageLength: number): number {
  const saturated = (tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * length) / averageLength));
  return Math.min(TEXT_BUCKETS - 1, Math.floor((saturated / TEXT_MAX) * TEXT_BUCKETS));
}

/** Weight of each 3-bit impact, back on the BM25 scale (bucket middles). */
export const TEXT_WEIGHT = Float32Array.from({ length: TEXT_BUCKETS }, (_, b) => ((b + 0.5) / TEXT_BUCKETS) * TEXT_MAX);

export const FIELD = { title: 1, tags: 2, labels: 4, filename: 8, description: 16 } as const;
export const FIELD_COUNT = 5;
const FIELD_WEIGHTS: Record<keyof typeof FIELD, number> = { title: 5, tags: 3.5, labels: 3, filename: 2, description: 2 };

/** Weight of a word found in the fields of `mask`: the best field counts fully, each other one a quarter. */
export const METADATA_WEIGHT = Float32Array.from({ length: 1 << FIELD_COUNT }, (_, mask) => {
  const weights = (Object.keys(FIELD) as (keyof typeof FIELD)[]).filter((f) => mask & FIELD[f]).map((f) => FIELD_WEIGHTS[f]).sort((a, b) => b - a);
  return weights.length ? weights[0]! + 0.25 * weights.slice(1).reduce((a, b) => a + b, 0) : 0;
});

/** Inverse document frequency (BM25's), always above zero: postings of removed documents may count in `documentFrequency`. */
export function idf(documentFrequency: number, documents: number): number {
  const df = Math.min(documentFrequency, documents);
  return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
}

/** How much a word counts when it matched as typed, as a completion of what was typed, or with typos. */
export function completionWeight(typed: string, term: string): number {
  return 0.55 + 0.35 * (typed.length / term.length);
}
export const TYPO_WEIGHT = [1, 0.45, 0.25] as const;
