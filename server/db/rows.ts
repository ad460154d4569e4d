import type { SQL } from 'drizzle-orm';
import type { Db, Tx } from './client.ts';

/** The rows of a raw statement, whichever driver runs it. */
export async function rows<Row>(db: Db | Tx, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  // postgres.js answers an array of rows, PGlite an object holding them.
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}
