// Query planning: which indexed words each query word stands for, and how much each counts.
// Completions and typo corrections are where naive engines spend their time (a two-letter prefix can stand for
// thousands of words and millions of postings), so both are bounded here before any posting is read.
import type { QueryWord } from './query-parser.ts';
import { completionWeight, TYPO_WEIGHT } from './ranking.ts';

/** What the planner needs from an index. */
export interface TermSource {
  find(term: string): number;
  termText(term: number): string;
  /** Documents the term is in. */
  frequency(term: number): number;
  /** Postings to read for the term. */
  postings(term: number): number;
  /** Every expandable word starting with the prefix (any order). */
  completions(prefix: string): number[];
  /** Expandable words within `distance` edits: [term, edits]. */
  typoNeighbours(word: string, distance: number): [number, number][];
  /** Changes whenever the set of expandable words does. */
  readonly vocabularyVersion: number;
  readonly documentCount: number;
}

export interface Expansion {
  term: number;
  weight: number;
  /** A typo correction: ranks below exact words and completions. */
  typo: boolean;
}

export interface PlannedWord {
  text: string;
  expansions: Expansion[];
  /** In so many documents that it says little: it adds to the score of documents other words found, nothing more. */
  weak: boolean;
  /** A bare number or single letter (see isQualifier): matched in metadata only, and not required to match. */
  qualifier: boolean;
}

/**
 * A bare number of up to three digits or a single letter: "2" in "SOC 2", "a" in "plan a", "l" in "l'équipe". In a
 * document's text such words are everywhere (page numbers, "Page 2 of 3", list markers, "a"), and the index keeps
 * no word positions to tell "SOC 2" from "page 2". So the rule a user would expect: such a word counts where it
 * names something (the title, tags, labels, file name, description), never in the text, and is not required,
 * so "SOC 2" finds everything about SOC, first what has "2" in its title. Alone (or with only such words) it finds
 * assets by their metadata. Longer numbers (2024, 27001) and letters of scripts without spaces between words are
 * words like any other.
 */
const QUALIFIER = /^(?:\d{1,3}|[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])$/u;
export function isQualifier(word: string): boolean {
  return QUALIFIER.test(word);
}

/** Completions considered for a prefix of this many characters: few for "p", more for "pric". */
const MAX_COMPLETIONS = [0, 4, 8, 16, 24];
const MAX_COMPLETIONS_LONG = 32;
/** Postings the completions of one word may cost, beyond the word itself. */
const COMPLETION_BUDGET = 120_000;
/** Typo corrections are looked for only when the word as typed (and its completions) is this rare. */
const TYPOS_ONLY_BELOW = 10;
const MAX_CORRECTIONS = 8;
/** A word in more than this share of documents is weak (when the query has other words). */
const WEAK_SHARE = 0.4;
const WEAK_MIN_DOCUMENTS = 50;
const CACHE_LIMIT = 20_000;
/** A prefix that is a word in more than this share of documents is not completed (in an index this large). */
const PLENTY_SHARE = 0.25;
const PLENTY_MIN_DOCUMENTS = 1_000;

/** Typos tolerated grow with word length: none up to 4 letters, one from 5, two from 9. */
export function typosAllowed(word: string): number {
  return word.length >= 9 ? 2 : word.length >= 5 ? 1 : 0;
}

interface PlanCache { version: number; completions: Map<string, number[]>; typos: Map<string, [number, number][]> }
const caches = new WeakMap<TermSource, PlanCache>();

function cacheFor(source: TermSource): PlanCache {
  let cache = caches.get(source);
  if (!cache || cache.version !== source.vocabularyVersion || cache.completions.size + cache.typos.size > CACHE_LIMIT) {
    cache = { version: source.vocabularyVersion, completions: new Map(), typos: new Map() };
    caches.set(source, cache);
  }
  return cache;
}

/** Forgets remembered completions and corrections (benchmarks measure the cold path). */
export function forgetPlans(source: TermSource): void {
  caches.delete(source);
}

/** Completions of a prefix, most frequent first; remembered, since typing asks for the same prefixes again. */
function completionsOf(prefix: string, source: TermSource, cache: PlanCache): number[] {
  let list = cache.completions.get(prefix);
  if (!list) {
    const limit = prefix.length < MAX_COMPLETIONS.length ? MAX_COMPLETIONS[prefix.length]! : MAX_COMPLETIONS_LONG;
    list = source.completions(prefix).map((term) => [term, source.frequency(term)] as const)
      .sort((a, b) => b[1] - a[1] || (source.termText(a[0]) < source.termText(b[0]) ? -1 : 1)).slice(0, limit + 1).map(([term]) => term);
    cache.completions.set(prefix, list);
  }
  return list;
}

function typoNeighboursOf(word: string, distance: number, source: TermSource, cache: PlanCache): [number, number][] {
  const key = `${distance}:${word}`;
  let list = cache.typos.get(key);
  if (!list) {
    list = source.typoNeighbours(word, distance).filter(([, edits]) => edits > 0)
      .sort((a, b) => a[1] - b[1] || source.frequency(b[0]) - source.frequency(a[0])).slice(0, MAX_CORRECTIONS);
    cache.typos.set(key, list);
  }
  return list;
}

/**
 * `completeAll`: complete every prefix, even one that is a common word as typed (suggestions exist to offer
 * completions; a search gains little from them there).
 */
export function planWord(word: QueryWord, source: TermSource, cache = cacheFor(source), completeAll = false): PlannedWord {
  const expansions: Expansion[] = [];
  const exact = source.find(word.text);
  if (exact >= 0 && source.postings(exact) > 0) expansions.push({ term: exact, weight: 1, typo: false });
  const qualifier = isQualifier(word.text);
  if (word.exact) return { text: word.text, expansions, weak: false, qualifier };

  let found = exact >= 0 ? source.frequency(exact) : 0;
  // A word typed so far that is itself in a good share of the documents ("the", "new", "for") already matches
  // plenty; its completions would add few documents and many postings.
  const plentyAsTyped = source.documentCount >= PLENTY_MIN_DOCUMENTS && found > PLENTY_SHARE * source.documentCount;
  if (word.prefix && (completeAll || !plentyAsTyped)) {
    let spent = 0;
    for (const term of completionsOf(word.text, source, cache)) {
      if (term === exact) continue;
      const cost = source.postings(term);
      // The most frequent completion is always tried; the rest only while the budget lasts.
      if (spent > 0 && spent + cost > COMPLETION_BUDGET) break;
      spent += cost;
      expansions.push({ term, weight: completionWeight(word.text, source.termText(term)), typo: false });
      found += source.frequency(term);
    }
  }
  const distance = typosAllowed(word.text);
  // Corrections come last: scoring relies on it (a document found as typed never counts as a typo match).
  if (distance > 0 && found < TYPOS_ONLY_BELOW) {
    const taken = new Set(expansions.map((e) => e.term));
    for (const [term, edits] of typoNeighboursOf(word.text, distance, source, cache)) {
      if (!taken.has(term)) expansions.push({ term, weight: TYPO_WEIGHT[edits as 1 | 2], typo: true });
    }
  }
  return { text: word.text, expansions, weak: false, qualifier };
}

export function planQuery(words: QueryWord[], source: TermSource, completeAll = false): PlannedWord[] {
  const cache = cacheFor(source);
  const planned = words.map((word) => planWord(word, source, cache, completeAll));
  const documents = source.documentCount;
  if (documents >= WEAK_MIN_DOCUMENTS) {
    // Qualifiers are never weak: they have a rule of their own (isQualifier), and their reach in texts means nothing.
    const words = planned.filter((w) => !w.qualifier);
    for (const word of words) {
      const reach = word.expansions.reduce((most, e) => Math.max(most, source.frequency(e.term)), 0);
      word.weak = reach > WEAK_SHARE * documents;
    }
    // A query of only common words still has to match something.
    if (words.every((w) => w.weak || w.expansions.length === 0)) for (const word of words) word.weak = false;
  }
  return planned;
}
