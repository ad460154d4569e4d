import { describe, expect, it } from 'vitest';
import { groupQueryVariants, withinOneTypo } from '../../server/reports/query-variants.ts';

// The search-gap report takes one query typed several ways for one query.

const groups = (queries: [string, number][]) =>
  groupQueryVariants(queries.map(([query, count]) => ({ query, count }))).map((g) => g.rows.map((r) => r.query)).sort((a, b) => b.length - a.length);

describe('groupQueryVariants', () => {
  it('folds case and accents and merges a typo in a long word', () => {
    expect(groups([['Pricing', 1], ['pricing', 3], ['prícing', 1], ['pricng', 1], ['pricnig', 1], ['PRICING  ', 1]]))
      .toEqual([['Pricing', 'pricing', 'prícing', 'pricng', 'pricnig', 'PRICING  ']]);
  });

  it('merges word by word, in order', () => {
    expect(groups([['pricing calculator', 2], ['pricng calculater', 1], ['calculator pricing', 1]]))
      .toEqual([['pricing calculator', 'pricng calculater'], ['calculator pricing']]);
  });

  it('leaves short words alone and never chains near words into one', () => {
    expect(groups([['sale', 1], ['sole', 1]])).toEqual([['sale'], ['sole']]);
    // "brend" is one typo from both "brand" and "bread" (two apart): it joins the more frequent, they stay apart.
    expect(groups([['brand', 3], ['brend', 1], ['bread', 5]])).toEqual([['brend', 'bread'], ['brand']]);
    expect(groups([['brand', 5], ['brend', 1], ['bread', 3]])).toEqual([['brand', 'brend'], ['bread']]);
  });

  it('keeps searches with no words as one group', () => {
    expect(groupQueryVariants([{ query: '', count: 2 }, { query: '?!', count: 1 }]).map((g) => g.key)).toEqual(['']);
  });
});

describe('withinOneTypo', () => {
  it.each([['pricing', 'pricng'], ['pricing', 'pricingg'], ['pricing', 'prizing'], ['pricing', 'pricnig'], ['pricing', 'pricing']])('%s ~ %s', (a, b) => {
    expect(withinOneTypo(a, b)).toBe(true);
    expect(withinOneTypo(b, a)).toBe(true);
  });

  it.each([['pricing', 'prcng'], ['pricing', 'ricingp'], ['brand', 'bread'], ['sale', 'sole']])('%s ≁ %s', (a, b) => {
    expect(withinOneTypo(a, b)).toBe(false);
  });
});
