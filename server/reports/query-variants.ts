// Which logged queries are the same query: "Pricing", "pricing", "prícing" and "pricng" are one. Case and accents
// are folded as search folds them (search/text.ts), and a word of 5 letters or more is taken for the most frequent
// word within one typo of it (one letter added, dropped, changed, or two neighbours swapped, as search's typo
// tolerance counts them). Every word joins a word that is frequent and near, never a chain of near words.
import { fold } from '../search/text.ts';

/** Shorter words are left alone: one letter changes "sale" into "sole" or "same". */
export const TYPO_MIN_LETTERS = 5;

export interface QueryVariantGroup<Row> {
  /** The query's words as grouped ("pricing"); "" for searches with filters and no words. */
  key: string;
  rows: Row[];
}

/** Groups rows by the query they ask; `count` weighs which spelling of a word is the one others join. */
export function groupQueryVariants<Row extends { query: string; count: number }>(list: Row[]): QueryVariantGroup<Row>[] {
  const folded = list.map((row) => fold(row.query).split(' ').filter(Boolean));
  const frequency = new Map<string, number>();
  folded.forEach((words, i) => { for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + list[i]!.count); });
  const canonical = canonicalWords(frequency);
  const groups = new Map<string, Row[]>();
  folded.forEach((words, i) => {
    const key = words.map((word) => canonical.get(word) ?? word).join(' ');
    const members = groups.get(key);
    if (members) members.push(list[i]!);
    else groups.set(key, [list[i]!]);
  });
  return [...groups].map(([key, rows]) => ({ key, rows }));
}

/** A group's spellings as typed, most searched first (one spelling may come in several rows: with and without results). */
export function spellingsByFrequency(group: { query: string; count: number }[]): string[] {
  const counts = new Map<string, number>();
  for (const row of group) counts.set(row.query, (counts.get(row.query) ?? 0) + row.count);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([spelling]) => spelling);
}

/** How many people (still here) searched a group's spellings. */
export function searchersOf(group: { users: (string | null)[] }[]): number {
  return new Set(group.flatMap((row) => row.users.filter((user) => user !== null))).size;
}

/**
 * Each word's stand-in: the most frequent word within one typo of it (itself when none is more frequent). Words are
 * taken most frequent first; one that is near an earlier stand-in joins it, else it stands in for itself. Near
 * words are found through their one-letter deletions (two words within one typo share one), then checked.
 */
function canonicalWords(frequency: Map<string, number>): Map<string, string> {
  const ordered = [...frequency].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([word]) => word);
  const rank = new Map(ordered.map((word, i) => [word, i]));
  const standIns = new Map<string, string[]>();
  const result = new Map<string, string>();
  for (const word of ordered) {
    if ([...word].length < TYPO_MIN_LETTERS) continue;
    const keys = deletions(word);
    let found: string | undefined;
    for (const key of keys) {
      for (const candidate of standIns.get(key) ?? []) {
        if ((found === undefined || rank.get(candidate)! < rank.get(found)!) && withinOneTypo(word, candidate)) found = candidate;
      }
    }
    if (found) {
      result.set(word, found);
      continue;
    }
    for (const key of keys) {
      const list = standIns.get(key);
      if (list) list.push(word);
      else standIns.set(key, [word]);
    }
  }
  return result;
}

/** The word and the word with each one letter left out. */
function deletions(word: string): Set<string> {
  const letters = [...word];
  const out = new Set([word]);
  for (let i = 0; i < letters.length; i++) out.add([...letters.slice(0, i), ...letters.slice(i + 1)].join(''));
  return out;
}

/** Optimal string alignment distance ≤ 1: one insertion, deletion, substitution or swap of neighbours. */
export function withinOneTypo(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > 1) return false;
  if (x.length < TYPO_MIN_LETTERS || y.length < TYPO_MIN_LETTERS) return a === b;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  if (i === x.length && i === y.length) return true;
  const rest = (p: number, q: number) => x.slice(p).join('') === y.slice(q).join('');
  if (x.length === y.length) return rest(i + 1, i + 1) || (x[i] === y[i + 1] && x[i + 1] === y[i] && rest(i + 2, i + 2));
  return x.length > y.length ? rest(i + 1, i) : rest(i, i + 1);
}
