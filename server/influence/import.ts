// A CSV of opportunities, read as it streams in: a header row names the columns (any order; externalId or
// external_id, any case), each row is checked like a posted opportunity, and the bad ones are reported by their row
// number (the header is row 1, as a spreadsheet counts) with the field and the reason. The good ones are written in
// batches — all of them, or, when asked all-or-nothing, none if any row is bad.
import type { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { Invalid, TooLarge } from '../errors.ts';
import { checkOpportunity, type OpportunityFields, type OpportunityRow } from './opportunity.ts';

const COLUMNS = ['externalId', 'name', 'amount', 'currency', 'stage', 'outcome', 'closedAt'] as const;
const REQUIRED = COLUMNS.filter((column) => column !== 'closedAt');
/** Listed at most; the rest are counted. */
export const REJECTED_LISTED = 1000;

export interface ReadCsv {
  rows: OpportunityRow[];
  /** Data rows read (without the header). */
  read: number;
  rejected: { row: number; reason: string }[];
  rejectedCount: number;
}

/** "External ID", "external_id", "externalId" are one column. */
const columnKey = (header: string) => header.trim().toLowerCase().replace(/[\s_-]+/g, '');
const KNOWN = new Map(COLUMNS.map((column) => [columnKey(column), column]));

/**
 * Reads and checks every row; `maxBytes` ends the read with a 413. A later row with the same externalId replaces
 * the earlier one (a CRM export may list a deal twice as it changed).
 */
export async function readOpportunityCsv(body: Readable, maxBytes: number, onProgress?: (read: number) => void): Promise<ReadCsv> {
  let bytes = 0;
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > maxBytes) body.destroy(new TooLarge(`the CSV is larger than ${Math.round(maxBytes / 1_048_576)} MB; split it`, 'CSV_TOO_LARGE'));
  });
  const parser = body.pipe(parse({
    bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: 65_536,
    columns: (header: string[]) => {
      const named = header.map((column) => KNOWN.get(columnKey(column)) ?? null);
      const missing = REQUIRED.filter((column) => !named.includes(column));
      if (missing.length) throw new Invalid(`the header row lacks ${missing.join(', ')}; it needs ${REQUIRED.join(', ')} (and may have closedAt)`, 'CSV_HEADER');
      // Columns we do not know are read and left alone (a CRM export has many).
      return named.map((column, i) => column ?? `ignored:${i}`);
    },
  }));
  body.once('error', (error) => parser.destroy(error));
  const byId = new Map<string, OpportunityRow>();
  const rejected: ReadCsv['rejected'] = [];
  let rejectedCount = 0;
  let read = 0;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string | undefined>>) {
      read++;
      const fields: OpportunityFields = {
        externalId: record.externalId ?? '', name: record.name ?? '', amount: record.amount ?? '', currency: record.currency ?? '',
        stage: record.stage ?? '', outcome: record.outcome ?? '', closedAt: record.closedAt ?? null,
      };
      const checked = checkOpportunity(fields);
      if (checked.ok) byId.set(checked.row.externalId, checked.row);
      else if (rejectedCount++ < REJECTED_LISTED) rejected.push({ row: read + 1, reason: `${checked.field} ${checked.reason}` });
      if (read % 10_000 === 0) onProgress?.(read);
    }
  } catch (error) {
    if (error instanceof CsvError) throw new Invalid(`the CSV cannot be read near row ${read + 2}: ${error.message}`, 'CSV_MALFORMED');
    throw error;
  }
  if (read === 0 && rejectedCount === 0 && byId.size === 0 && bytes === 0) throw new Invalid('the CSV is empty; it needs a header row and rows', 'CSV_EMPTY');
  return { rows: [...byId.values()], read, rejected, rejectedCount };
}
