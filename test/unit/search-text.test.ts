import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_CHARS, MAX_QUERY_WORDS, parseQuery } from '../../server/search/query-parser.ts';
import { fold, foldedWord, termHashes, Tokens, tokenize, wordsOf } from '../../server/search/text.ts';

describe('folding', () => {
  it('folds accents and case, so French and English sit side by side', () => {
    expect(fold('Étude de CAS : Crédit Générale')).toBe('etude de cas credit generale');
    expect(fold('Straße, Œuvre, Ærø, naïve, façade')).toBe('strasse oeuvre aero naive facade');
  });

  it('drops combining accents without splitting the word', () => {
    expect(fold('e\u0301te\u0301')).toBe('ete');
  });

  it('splits on punctuation, underscores and symbols, and keeps other scripts', () => {
    expect(fold("l'équipe_Q3-2024 😀x 日本語 Ελλάδα")).toBe('l equipe q3 2024 x 日本語 ελλαδα');
  });

  it('gives each word its offsets in the original text', () => {
    expect(wordsOf('Héllo, wörld')).toEqual([{ word: 'hello', start: 0, end: 5 }, { word: 'world', start: 7, end: 12 }]);
  });

  it('hashes a word as typed in a document and as folded in a query the same way', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
      const tokens = new Tokens();
      tokenize(text, tokens);
      for (let i = 0; i < tokens.count; i++) {
        const word = foldedWord(text, tokens.start[i]!, tokens.end[i]!);
        expect([tokens.hash1[i], tokens.hash2[i]]).toEqual(termHashes(word));
      }
    }));
  });
});

describe('query parsing', () => {
  it('completes only the last word, and only while it is being typed', () => {
    expect(parseQuery('pricing gui').words).toEqual([
      { text: 'pricing', prefix: false, exact: false }, { text: 'gui', prefix: true, exact: false },
    ]);
    expect(parseQuery('pricing guide ').words.at(-1)!.prefix).toBe(false);
  });

  it('takes quoted words as exact, and an unbalanced quote as running to the end', () => {
    expect(parseQuery('"case study" roi').words.map((w) => [w.text, w.exact, w.prefix])).toEqual([['case', true, false], ['study', true, false], ['roi', false, true]]);
    expect(parseQuery('roi "case stu').words.map((w) => [w.text, w.exact, w.prefix])).toEqual([['roi', false, false], ['case', true, false], ['stu', true, false]]);
  });

  it('cuts very long queries at a word boundary, and caps the number of words', () => {
    const parsed = parseQuery('word '.repeat(500) + Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '));
    expect(parsed.text.length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
    const many = parseQuery(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '));
    expect(many.words).toHaveLength(MAX_QUERY_WORDS);
    expect(many.words.at(-1)!.prefix).toBe(false);
  });

  it('reads punctuation alone as an empty query, and repeats as one word', () => {
    expect(parseQuery('!!! ?? "" ...').words).toEqual([]);
    expect(parseQuery('ROI roi Roi').words.map((w) => w.text)).toEqual(['roi']);
  });

  it('never fails, whatever is typed', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (raw) => {
      const parsed = parseQuery(raw);
      expect(parsed.words.length).toBeLessThanOrEqual(MAX_QUERY_WORDS);
      expect(parsed.words.filter((w) => w.prefix).length).toBeLessThanOrEqual(1);
    }));
  });
});
