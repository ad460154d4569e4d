// Reports as CSV: rows arrive a page at a time and leave through csv-stringify as they come, with a header row,
// and every text cell guarded against spreadsheet formula injection.
import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';

/**
 * OWASP's CSV-injection rule: a cell starting with = + - @ tab or carriage return is run by a spreadsheet as a
 * formula (=HYPERLINK(…) sends data away), quoted or not; a leading ' makes it text.
 */
export function guardFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export type CsvCell = string | number | boolean | Date | null | undefined;
export interface CsvColumn<Row> { header: string; value: (row: Row) => CsvCell }

/**
 * A CSV stream of the rows `pages` yields, page by page: a page is read only when the one before has been taken, so
 * a large report never sits whole in memory. A failure midway ends the stream with the error (the reply is cut
 * short rather than looking complete).
 */
export function csvStream<Row>(columns: CsvColumn<Row>[], pages: AsyncIterable<Row[]>): Readable {
  const records = Readable.from((async function* () {
    for await (const page of pages) for (const row of page) yield columns.map((column) => cell(column.value(row)));
  })());
  const stringifier = stringify({ header: true, columns: columns.map((column) => column.header), cast: { string: guardFormula } });
  // Headers are ours, but go through the same cast; none starts with a guarded character.
  return pipeline(records, stringifier, () => {});
}

function cell(value: CsvCell): string | number | boolean | null {
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

/** One page of an already computed list, for csvStream. */
export async function* onePage<Row>(list: Row[]): AsyncIterable<Row[]> {
  yield list;
}
