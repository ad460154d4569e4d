import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packTextTerms, TermLines, usableTerms } from '../../server/search/text-terms.ts';
import { wordsOf } from '../../server/search/text.ts';

/** Word → count, read back from packed terms as the index reads them: tokenized, so folded. */
function unpack(terms: string): { words: number; counts: Map<string, number> } {
  const lines = new TermLines(terms);
  const counts = new Map<string, number>();
  while (lines.next()) for (const { word } of wordsOf(terms.slice(lines.from, lines.to))) counts.set(word, lines.count);
  return { words: lines.words, counts };
}

/** Word → count as the tokenizer sees the text. */
function counted(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { word } of wordsOf(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

describe('stored search terms', () => {
  it('keeps each folded word once, grouped by how often it occurs, with the number of words', () => {
    expect(packTextTerms('Étude de cas — the THE the; straße, ÉTUDE 日本語')).toBe('t1 9\n1 cas de strasse 日本語\n2 etude\n3 the\n');
  });

  it('has nothing to store for a text without words', () => {
    expect(packTextTerms(null)).toBeNull();
    expect(packTextTerms('')).toBeNull();
    expect(packTextTerms(' — … !? ')).toBeNull();
  });

  it('keeps a word as it stood in the text when its folded form would read back as other words', () => {
    // "½" folds to "1⁄2", whose fraction slash separates words; "½" itself reads back as that one word.
    expect(packTextTerms('a ½ share, ½ off')).toBe('t1 5\n1 a off share\n2 ½\n');
    expect(unpack(packTextTerms('a ½ share, ½ off')!).counts.get('1⁄2')).toBe(2);
  });

  it('counts words across the slices a long text is read in, and cuts very long words as the tokenizer does', () => {
    const long = 'x'.repeat(40);
    const text = `${'alpha beta '.repeat(100_000)}gamma ${long} ${'alpha '.repeat(50_000)}`;
    const { words, counts } = unpack(packTextTerms(text)!);
    expect(words).toBe(250_002);
    expect(counts).toEqual(new Map([['alpha', 150_000], ['beta', 100_000], ['gamma', 1], ['x'.repeat(32), 1]]));
  });

  it('reads back as the words and counts of the text, for any text', () => {
    const word = fc.stringMatching(/^[a-zéèàüßœ日本0-9½ﬁ²Ⅻ]{1,12}$/);
    const separator = fc.constantFrom(' ', ', ', '\n', ' — ', '. ', "'");
    fc.assert(fc.property(fc.array(fc.tuple(word, separator), { minLength: 1, maxLength: 60 }), (parts) => {
      const text = parts.map(([w, s]) => w + s).join('');
      const terms = packTextTerms(text);
      const expected = counted(text);
      if (terms === null) return expected.size === 0;
      const { words, counts } = unpack(terms);
      expect(words).toBe(wordsOf(text).length);
      expect(counts).toEqual(expected);
      return true;
    }));
  });

  it('tells terms of this form from any other stored text, as a string or as bytes', () => {
    const terms = packTextTerms('pricing sheet')!;
    expect(usableTerms(terms)).toBe(true);
    expect(usableTerms(new TextEncoder().encode(terms))).toBe(true);
    for (const other of ['t0 2\n1 pricing sheet\n', 'pricing sheet', '', null, undefined]) expect(usableTerms(other)).toBe(false);
    expect(usableTerms(new TextEncoder().encode('t2 1\n1 x\n'))).toBe(false);
  });
});
