import { describe, expect, it } from 'vitest';
import { cutOnWord, TITLE_MAX_LENGTH, titleFromFileName } from '../../web/src/lib/file-title.ts';

describe('titleFromFileName', () => {
  it('reads separators as spaces and capitalises the first letter', () => {
    expect(titleFromFileName('cht-charts.pptx')).toBe('Cht charts');
    expect(titleFromFileName('Q3_pricing-deck_FINAL.v2.pdf')).toBe('Q3 pricing deck FINAL v2');
    expect(titleFromFileName('battlecard__acme   vs  rival.docx')).toBe('Battlecard acme vs rival');
  });

  it('keeps hyphens between digits, as in dates and ranges', () => {
    expect(titleFromFileName('price-list_2024-03-01.xlsx')).toBe('Price list 2024-03-01');
    expect(titleFromFileName('Q3-Q4-roadmap.pdf')).toBe('Q3 Q4 roadmap');
  });

  it('keeps names without an extension and falls back when nothing readable is left', () => {
    expect(titleFromFileName('README')).toBe('README');
    expect(titleFromFileName('.env')).toBe('Env');
    expect(titleFromFileName('___.pdf')).toBe('Untitled');
    expect(titleFromFileName('élan_vital.pdf')).toBe('Élan vital');
  });

  it('uses only the last path segment', () => {
    expect(titleFromFileName('C:\\decks\\sales_kit.pptx')).toBe('Sales kit');
  });

  it('cuts a long name on a word boundary to fit the API limit', () => {
    const name = `${Array.from({ length: 80 }, (_, i) => `word${i}`).join('_')}.pdf`;
    const title = titleFromFileName(name);
    expect(title.length).toBeLessThanOrEqual(TITLE_MAX_LENGTH);
    expect(title.length).toBeGreaterThan(TITLE_MAX_LENGTH - 10);
    expect(title).toMatch(/^Word0 word1 word2 .* word\d+…$/);
  });

  it('cuts inside a word only when the name is one long word', () => {
    const title = titleFromFileName(`${'a'.repeat(400)}.pdf`);
    expect(title).toBe(`A${'a'.repeat(TITLE_MAX_LENGTH - 2)}…`);
  });
});

describe('cutOnWord', () => {
  it('leaves text that fits alone', () => {
    expect(cutOnWord('short title', 20)).toBe('short title');
  });

  it('never leaves half of an emoji', () => {
    const cut = cutOnWord(`${'x'.repeat(8)}😀😀😀`, 10);
    expect(cut).toBe(`${'x'.repeat(8)}…`);
  });
});
