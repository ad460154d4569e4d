import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_CHARS, MAX_QUERY_WORDS, parseQuery } from '../../server/search/query-parser.ts';
import { fold, foldedWord, foldedWordUtf8, termHashes, Tokens, tokenize, tokenizeUtf8, wordsOf } from '../../server/search/text.ts';

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

describe('tokenizing UTF-8 bytes', () => {
  const hashesOf = (tokens: Tokens) => Array.from({ length: tokens.count }, (_, i) => [tokens.hash1[i], tokens.hash2[i]]);

  it('finds the same words with the same hashes as in the decoded text, whatever the script', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
      const fromString = new Tokens();
      tokenize(text, fromString);
      const bytes = new TextEncoder().encode(text);
      const fromBytes = new Tokens();
      tokenizeUtf8(bytes, 0, bytes.length, fromBytes);
      expect(hashesOf(fromBytes)).toEqual(hashesOf(fromString));
      for (let i = 0; i < fromBytes.count; i++) {
        expect(foldedWordUtf8(bytes, fromBytes.start[i]!, fromBytes.end[i]!)).toBe(foldedWord(text, fromString.start[i]!, fromString.end[i]!));
      }
    }), { numRuns: 500 });
  });

  it('gives byte offsets, reads only the range asked, and takes broken UTF-8 as separators', () => {
    const bytes = new TextEncoder().encode('Ça va, Straße!');
    const tokens = new Tokens();
    tokenizeUtf8(bytes, 0, bytes.length, tokens);
    expect(Array.from({ length: tokens.count }, (_, i) => foldedWordUtf8(bytes, tokens.start[i]!, tokens.end[i]!))).toEqual(['ca', 'va', 'strasse']);
    expect([tokens.start[2], tokens.end[2]]).toEqual([8, 15]);
    tokenizeUtf8(bytes, 4, 6, tokens);
    expect(tokens.count).toBe(1);
    const broken = Uint8Array.from([0x61, 0xc3, 0x62, 0xff, 0x63, 0xe2, 0x82]);
    tokenizeUtf8(broken, 0, broken.length, tokens);
    expect(Array.from({ length: tokens.count }, (_, i) => foldedWordUtf8(broken, tokens.start[i]!, tokens.end[i]!))).toEqual(['a', 'b', 'c']);
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
    // Logged and answered as no query at all.
    for (const q of ['*', '---', '?!', ' " ']) expect(parseQuery(q)).toEqual({ text: '', words: [] });
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
