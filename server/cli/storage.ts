// npm run storage -- scan [--verify] [--fix]
// Reports blobs missing from disk, files no row points at, and (with --verify) files whose content changed.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { localBlobStore } from '../storage/blob-store.ts';
import { scanStorage } from '../storage/integrity.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { verify: { type: 'boolean' }, fix: { type: 'boolean' } } });
if (positionals[0] !== 'scan') {
  console.error('usage: npm run storage -- scan [--verify] [--fix]\n  --verify  re-hash every file\n  --fix     delete files no row points at (older than 1 h)');
  process.exit(1);
}
const config = loadConfig();
const database = await openDatabase(config.databaseUrl, config.dataDir);
try {
  const report = await scanStorage(database.db, localBlobStore(config.dataDir), {
    verify: values.verify, removeUntracked: values.fix,
    onProgress: (done, total) => { if (done % 100 === 0 || done === total) process.stderr.write(`\rverified ${done}/${total}`); },
  });
  if (values.verify) process.stderr.write('\n');
  console.log(`${report.tracked} blobs in the database, ${report.stored} files on disk`);
  console.log(`missing files: ${report.missing.length}${report.missing.length ? ` (restore from backup)\n  ${report.missing.join('\n  ')}` : ''}`);
  console.log(`untracked files: ${report.untracked.length}${report.untracked.length ? (values.fix ? ' (removed)' : ' (run with --fix to remove)') : ''}`);
  if (values.verify) console.log(`corrupt files: ${report.corrupt.length}${report.corrupt.length ? `\n  ${report.corrupt.join('\n  ')}` : ''}`);
  process.exitCode = report.missing.length || report.corrupt.length ? 2 : 0;
} finally {
  await database.close();
}
